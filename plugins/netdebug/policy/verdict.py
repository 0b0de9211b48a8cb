"""Verdicts as data: which side allows what, and the rules (by index) that decide."""
from dataclasses import dataclass, field

from .ports import ALL, ConnectionSet


@dataclass(frozen=True)
class RuleRef:
    policy: str
    kind: str = "NetworkPolicy"
    direction: str = "ingress"
    rule: int = 0
    peer: int | None = None  # None: the rule admits every peer
    port: int | None = None  # None: the rule admits every port
    action: str | None = None  # admin tiers only: "allow", "deny" or "pass"

    def to_dict(self) -> dict:
        found = {"policy": self.policy, "kind": self.kind, "direction": self.direction,
                 "rule": self.rule, "peer": self.peer, "port": self.port}
        return found if self.action is None else {**found, "action": self.action}


@dataclass
class DirectionVerdict:
    direction: str
    pod: str | None  # None: the non-pod side, not evaluated
    isolated: bool = False
    policies: list[str] = field(default_factory=list)
    allowed: bool = True
    rules: list[RuleRef] = field(default_factory=list)
    cni_defined: bool = False
    loopback: bool = False  # a pod talking to itself: never blocked by NetworkPolicy
    connections: ConnectionSet = ALL  # what this side admits between these two endpoints
    tier: str | None = None  # with admin policies and a port: "admin", "networkpolicy", "baseline", "default"
    tiers: dict | None = field(default=None, repr=False)  # admin/baseline: [(RuleRef, claimed, AdminRule)]
    networkpolicy: tuple | None = field(default=None, repr=False)  # with tiers: NetworkPolicy-only side

    def to_dict(self) -> dict:
        found = {"direction": self.direction, "pod": self.pod, "evaluated": self.pod is not None,
                 "isolated": self.isolated, "policies": list(self.policies), "allowed": self.allowed,
                 "rules": [r.to_dict() for r in self.rules], "cniDefined": self.cni_defined,
                 "loopback": self.loopback, "connections": str(self.connections)}
        if self.tiers is not None:
            found["tier"] = self.tier
            found["adminDecisions"] = [{"tier": tier, "rule": ref.to_dict(), "connections": str(claimed)}
                                       for tier, decisions in self.tiers.items() for ref, claimed, _ in decisions]
        return found


@dataclass
class Verdict:
    source: str
    destination: str
    protocol: str
    port: int | None
    allowed: bool
    egress: DirectionVerdict
    ingress: DirectionVerdict
    port_name: str | None = None

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.destination, "protocol": self.protocol, "port": self.port,
                "portName": self.port_name, "allowed": self.allowed,
                "egress": self.egress.to_dict(), "ingress": self.ingress.to_dict()}
