"""What netpath asks (PathQuery) and answers (PathReport: hops, probe targets, probes, observations). Pure."""
from dataclasses import dataclass, field

from ..model.findings import Finding, by_severity
from . import path_verdict
from .hops import Hop
from .target import Target


@dataclass
class PathQuery:
    source: dict | None  # the source pod; None for `external`
    target: Target
    destination_pods: list[dict] = field(default_factory=list)  # when DST named pods or a workload
    port: int | str | None = None
    protocol: str = "TCP"
    namespace: str = "default"  # for DST names without a namespace
    source_from: str | None = None  # "Deployment shop/web" when SRC named a workload
    source_container: str | None = None
    to_container: str | None = None


@dataclass
class PathReport:
    source: str
    destination: str
    protocol: str
    port: int | str | None = None
    target_host: str | None = None  # the DNS name of DST (URL host), for HTTP probes
    hops: list[Hop] = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # what probes should hit, by role (set by the walk)
    probes: list[dict] = field(default_factory=list)
    observed: str | None = None  # the verdict the probes proved, when they ran
    observations: list[Finding] = field(default_factory=list)  # declared vs observed

    def hop(self, name: str) -> Hop | None:
        return next((h for h in self.hops if h.name == name), None)

    @property
    def verdict(self) -> str:
        return path_verdict.verdict(self)

    @property
    def findings(self) -> list[Finding]:
        return by_severity([f for h in self.hops for f in h.findings] + self.observations)

    def to_dict(self) -> dict:
        return {"source": self.source, "destination": self.destination, "protocol": self.protocol,
                "port": self.port, "verdict": self.verdict, "hops": [h.to_dict() for h in self.hops],
                "findings": [f.to_dict() for f in self.findings], "probes": self.probes}
