"""What to probe (ProbeSpec) and what came back (ProbeResult): typed data with ONE JSON form (camelCase keys,
like Kubernetes) and ONE outcome vocabulary, shared by every plugin."""
from dataclasses import dataclass

import re

from ..errors import InputError

_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$")
_IPV6 = re.compile(r"^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$")
_PATH = re.compile(r"^/[\x21-\x7e]*$")  # printable, no spaces or control characters

KINDS = ("tcp", "udp", "dns", "http", "listening", "resolv")
# Outcomes (probe/outcome.py decides them). REACHED: the target answered; FAILED: it did not (a refusal still
# proves the path up to the listener's host); NOT_RUN: the probe itself could not run, it proves nothing.
REACHED = ("connected", "http")
GOOD = (*REACHED, "resolved", "listening", "read")
FAILED = ("refused", "timeout")
DNS_FAILED = ("nxdomain", "dns-error", "timeout")
NOT_RUN = ("no-tool", "exec-failed")


@dataclass(frozen=True)
class ProbeSpec:
    kind: str  # one of KINDS
    namespace: str
    pod: str
    container: str
    target: str = ""  # host name or IP (tcp/udp/http), name to resolve (dns); unused for listening/resolv
    port: int | None = None
    path: str | None = None  # http only
    role: str = ""  # why the plan asked for it: "service", "endpoint", "hairpin", "dns", "listening", ...

    @property
    def source(self) -> tuple[str, str, str]:
        return self.namespace, self.pod, self.container

    def validate(self) -> None:
        """Raise InputError for a target, port or path that must not reach a probe command."""
        if self.kind not in KINDS:
            raise InputError(f"unknown probe kind {self.kind!r} (known: {', '.join(KINDS)})")
        if self.kind in ("tcp", "udp", "http", "dns"):
            checked_host(self.target)
        if self.kind in ("tcp", "udp", "http"):
            checked_port(self.port)
        if self.kind == "http":
            checked_path(self.path)

    def to_dict(self) -> dict:
        data = {"role": self.role, "kind": self.kind, "from": f"{self.namespace}/{self.pod}",
                "container": self.container}
        data.update({key: value for key, value in (("target", self.target), ("port", self.port), ("path", self.path))
                     if value not in (None, "")})
        return {key: value for key, value in data.items() if value != ""}


@dataclass(frozen=True)
class ProbeResult:
    spec: ProbeSpec
    outcome: str  # connected|refused|timeout|no-answer|resolved|nxdomain|dns-error|http|listening|read|no-tool|...
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
        return self.outcome == "no-answer"

    @property
    def reached(self) -> bool:
        return self.outcome in REACHED

    @property
    def failed(self) -> bool:
        """A connect that ran and did not reach its target (refused or timed out)."""
        return self.outcome in FAILED and self.spec.kind in ("tcp", "udp", "http")

    @property
    def client(self) -> str:
        return f"{self.spec.namespace}/{self.spec.pod}"

    def to_dict(self) -> dict:
        data = {**self.spec.to_dict(), "outcome": self.outcome, "detail": self.detail,
                "elapsedMs": round(self.elapsed_ms, 1), "tool": self.tool, "command": list(self.command)}
        if self.spec.kind == "dns":
            data["addresses"] = list(self.addresses)
        if self.spec.kind == "listening":
            data["sockets"] = [dict(s) for s in self.sockets]
        if self.spec.kind == "resolv":
            data.update(search=list(self.search), ndots=self.ndots, nameservers=list(self.nameservers))
        if self.best_effort:
            data["bestEffort"] = True
        return data


def checked_host(host: str) -> str:
    if host and (_HOST.fullmatch(host) or (":" in host and _IPV6.fullmatch(host))):
        return host
    raise InputError(f"not a valid host name or IP address for a probe: {host!r}")


def checked_port(port) -> int:
    if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
        return port
    raise InputError(f"not a valid port number for a probe: {port!r}")


def checked_path(path: str | None) -> str:
    path = path or "/"
    if _PATH.fullmatch(path):
        return path
    raise InputError(f"HTTP path must start with / and contain no spaces or control characters: {path!r}")
