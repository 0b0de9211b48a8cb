"""Which pods accept traffic from outside the cluster or from every namespace, ranked (pure).

A pod no policy isolates for ingress accepts everything. Otherwise the rules of the policies
selecting it say: a rule without `from` admits every source; an ipBlock admits outside addresses
(the wider, the worse); an empty namespaceSelector admits pods of every namespace.
"""
from dataclasses import dataclass, field

from .engine import Endpoint, PolicyEngine
from .peers import IPBlockPeer, PodPeer
from .ports import NONE, ConnectionSet


@dataclass
class Exposure:
    pod: str
    score: int = 0  # 0 not exposed; 100 no ingress policy at all
    external: ConnectionSet = NONE  # from addresses outside the cluster
    namespaces: ConnectionSet = NONE  # from pods of every namespace
    sources: list[dict] = field(default_factory=list)  # {"from", "policy", "rule", "connections"}
    cni_defined: bool = False

    def key(self) -> tuple:
        """What pods of one workload must share to be shown as one row."""
        return (self.score, str(self.external), str(self.namespaces), tuple(tuple(s.items()) for s in self.sources))

    def to_dict(self) -> dict:
        return {"pod": self.pod, "score": self.score, "external": str(self.external),
                "allNamespaces": str(self.namespaces), "sources": self.sources, "cniDefined": self.cni_defined}


def ipblock_score(peer: IPBlockPeer) -> int:
    """50 for a /32 (or /128) up to 80 for 0.0.0.0/0 (or ::/0)."""
    bits = peer.network.max_prefixlen
    return 50 + round(30 * (bits - peer.network.prefixlen) / bits)


def _peer_exposure(peer) -> tuple[str, str, int] | None:
    """(where from, "external"|"namespaces", score) for an exposing peer, else None."""
    if isinstance(peer, IPBlockPeer):
        excepts = f" except {', '.join(str(e) for e in peer.excepts)}" if peer.excepts else ""
        return f"ipBlock {peer.cidr}{excepts}", "external", ipblock_score(peer)
    if isinstance(peer, PodPeer) and peer.namespaces is not None and peer.namespaces.is_empty:
        every_pod = peer.pods is None or peer.pods.is_empty
        return ("all pods in all namespaces" if every_pod else "some pods in all namespaces"), "namespaces", \
            40 if every_pod else 30
    return None


def exposure_of(engine: PolicyEngine, pod: dict) -> Exposure:
    endpoint = Endpoint.for_pod(pod)
    found = Exposure(endpoint.ref, cni_defined=endpoint.host_network)
    policies = engine.policies_selecting(endpoint, "ingress")
    if endpoint.host_network or not policies:
        why = ("hostNetwork pod: it listens on its node's addresses and NetworkPolicy behaviour is CNI-defined"
               if endpoint.host_network else "no NetworkPolicy selects it for ingress")
        found.score, found.external, found.namespaces = 100, ConnectionSet.all(), ConnectionSet.all()
        found.sources.append({"from": f"anywhere: {why}", "connections": "all"})
        return found
    for policy in policies:
        for rule in policy.ingress:
            connections = rule.connections(endpoint)
            if connections:
                _add_rule(found, policy.ref, rule, connections)
    return found


def _add_rule(found: Exposure, policy: str, rule, connections: ConnectionSet) -> None:
    exposing = [("anywhere: rule without from", "both", 90)] if rule.peers is None else \
        [e for e in map(_peer_exposure, rule.peers) if e is not None]
    for where, scope, score in exposing:
        if scope in ("external", "both"):
            found.external = found.external | connections
        if scope in ("namespaces", "both"):
            found.namespaces = found.namespaces | connections
        found.score = max(found.score, score + (5 if connections.is_all else 0))
        found.sources.append({"from": where, "policy": policy, "rule": rule.index, "connections": str(connections)})


def rank(engine: PolicyEngine, pods: list[dict]) -> list[Exposure]:
    """Exposed pods, most exposed first."""
    exposures = [exposure_of(engine, pod) for pod in pods]
    return sorted((e for e in exposures if e.score), key=lambda e: (-e.score, e.pod))
