"""What to probe (ProbeSpec) and what came back (ProbeResult): plain data, JSON-ready."""
from dataclasses import dataclass

from ..errors import InputError
from . import plan

KINDS = ("tcp", "udp", "dns", "http", "listening", "resolv")


@dataclass(frozen=True)
class ProbeSpec:
    kind: str  # one of KINDS
    namespace: str
    pod: str
    container: str
    target: str = ""  # host name or IP (tcp/udp/http), name to resolve (dns); unused for listening/resolv
    port: int | None = None
    path: str | None = None  # http only

    @property
    def source(self) -> tuple[str, str, str]:
        return self.namespace, self.pod, self.container

    def validate(self) -> None:
        """Raise InputError for a target, port or path that must not reach a probe command."""
        if self.kind not in KINDS:
            raise InputError(f"unknown probe kind {self.kind!r} (known: {', '.join(KINDS)})")
        if self.kind in ("tcp", "udp", "http", "dns"):
            plan.checked_host(self.target)
        if self.kind in ("tcp", "udp", "http"):
            plan.checked_port(self.port)
        if self.kind == "http":
            plan.checked_path(self.path)

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "from": f"{self.namespace}/{self.pod}", "container": self.container}
        data.update({key: value for key, value in (("target", self.target), ("port", self.port), ("path", self.path))
                     if value not in (None, "")})
        return data


@dataclass(frozen=True)
class ProbeResult:
    spec: ProbeSpec
    outcome: str  # connected|refused|timeout|resolved|nxdomain|dns-error|http|ok|no-tool|exec-failed|error
    detail: str  # for "http": the status code
    elapsed_ms: float
    tool: str | None
    command: tuple = ()
    addresses: tuple = ()  # dns
    sockets: tuple = ()  # listening: ({"address", "port", "protocol"}, ...)
    search: tuple = ()  # resolv
    ndots: int | None = None  # resolv
    nameservers: tuple = ()  # resolv

    @property
    def best_effort(self) -> bool:
        """UDP silence proves nothing: the port may be open or filtered."""
        return self.spec.kind == "udp" and self.outcome == "timeout"

    def to_dict(self) -> dict:
        data = {**self.spec.to_dict(), "outcome": self.outcome, "detail": self.detail,
                "elapsed_ms": self.elapsed_ms, "tool": self.tool, "command": list(self.command)}
        if self.spec.kind == "dns":
            data["addresses"] = list(self.addresses)
        if self.spec.kind == "listening":
            data["sockets"] = [dict(s) for s in self.sockets]
        if self.spec.kind == "resolv":
            data.update(search=list(self.search), ndots=self.ndots, nameservers=list(self.nameservers))
        if self.best_effort:
            data["best_effort"] = True
        return data
