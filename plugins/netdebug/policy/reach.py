"""One pod against many: who can reach it, what it can reach, and which addresses outside the
cluster its policies admit. One evaluation per equivalence class, not per pod."""
from dataclasses import dataclass

from ..model import objects
from .classes import classify, sort_pods
from .engine import PolicyEngine, RuleRef
from .peers import Endpoint, IPBlockPeer
from .ports import ConnectionSet


@dataclass(frozen=True)
class IPAdmission:
    """A rule that admits addresses outside the cluster: every address (cidr None) or an ipBlock."""

    rule: RuleRef
    cidr: str | None
    excepts: tuple[str, ...]
    connections: ConnectionSet

    def to_dict(self) -> dict:
        return {"cidr": self.cidr or "any", "except": list(self.excepts), "connections": str(self.connections),
                "rule": self.rule.to_dict()}


def peers_of(engine: PolicyEngine, target: Endpoint, pods: list[dict], direction: str) -> list[tuple[dict, ConnectionSet]]:
    """Each other pod with what it may send to the target (direction "ingress") or receive from it
    ("egress"); the target itself is left out (a pod always reaches itself)."""
    pods = [p for p in sort_pods(pods) if not (target.is_pod and objects.ref(p) == target.ref)]
    classes, class_of = classify(engine.policies, pods, engine.admin_rules)
    answers = []
    for pod_class in classes:
        pair = (pod_class.endpoint, target) if direction == "ingress" else (target, pod_class.endpoint)
        answers.append(engine.allowed_connections(*pair))
    return [(pod, answers[class_of[i]]) for i, pod in enumerate(pods)]


def external(engine: PolicyEngine, target: Endpoint, direction: str) -> list[IPAdmission] | None:
    """Rules of the target's side admitting non-pod addresses; None when the side is not isolated."""
    if not target.is_pod or target.host_network:
        return None
    policies = engine.policies_selecting(target, direction)
    if not policies:
        return None
    found = []
    for policy in policies:
        for rule in policy.rules(direction):
            peers = [(None, None)] if rule.peers is None else \
                [(i, p) for i, p in enumerate(rule.peers) if isinstance(p, IPBlockPeer)]
            for index, peer in peers:
                ref = RuleRef(policy.ref, "NetworkPolicy", direction, rule.index, index, None)
                found.append(IPAdmission(ref, peer and peer.cidr, tuple(str(n) for n in peer.excepts) if peer else (),
                                         _connections(rule, target, direction)))
    return found


def _connections(rule, target: Endpoint, direction: str) -> ConnectionSet:
    """Ports a rule admits; for egress to an outside address, named ports resolve to nothing."""
    destination = target if direction == "ingress" else Endpoint(kind="ip")
    return rule.connections(destination)
