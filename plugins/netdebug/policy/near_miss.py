"""Near misses: the NetworkPolicy rule that almost admits a denied connection, and the smallest edit
that makes it admit it. Pure; every suggested edit is verified by evaluating the edited policy.

A rule is near when one or two small edits make it admit: a port that is the Service port instead of
the targetPort, a label value off by a little (`team=partner` vs `team=partners`), a mistyped
`kubernetes.io/metadata.name`, a missing namespaceSelector for a peer in another namespace. Edits
never select on labels controllers generate (pod-template-hash, ...); a policy without rules for the
direction (a default-deny) has no rule to edit, so it is never widened.
"""
from dataclasses import dataclass

from ..model import objects
from ..model.snapshot import Snapshot
from .describe import peer_pods
from .near_miss_edits import Edit, apply, peer_entry, pod_peer_edits, stable_labels
from .peers import NO_MATCH
from .validate import PEERS_FIELD

MAX_COST = 2  # edits (dropping a selector term costs 2: it widens the rule)
VERIFIED = 5  # candidates evaluated with the edit applied, best first


@dataclass(frozen=True)
class NearMiss:
    policy: str  # "ns/name" (cluster-scoped admin kinds: "name")
    direction: str
    rule: int
    edits: tuple
    kind: str = "NetworkPolicy"

    @property
    def cost(self) -> int:
        return sum(e.cost for e in self.edits)

    @property
    def closeness(self) -> float:
        return sum(e.closeness for e in self.edits) / len(self.edits)


def near_misses(engine, source, destination, direction: str, protocol: str, port: int | None,
                service_port: int | None = None) -> list[NearMiss]:
    """The rules of the policies isolating this side that an edit makes admit the connection, best first."""
    subject, peer = (source, destination) if direction == "egress" else (destination, source)
    found = []
    for policy in engine.policies_selecting(subject, direction):
        raw = objects.spec(policy.source).get(direction) or []
        for rule in policy.rules(direction):
            where = ("spec", direction, rule.index)
            peer_edits = _peer_edits(engine, where, rule, raw[rule.index] or {}, policy.namespace, peer, direction)
            if peer_edits is None:
                continue
            served = _served_by_peers(engine, raw[rule.index] or {}, policy.namespace) if direction == "egress" \
                else _served([destination.pod])
            edits = _port_edits(where, rule, raw[rule.index] or {}, destination, protocol, port, service_port, served)
            miss = NearMiss(policy.ref, direction, rule.index, tuple(edits + peer_edits))
            if miss.edits and miss.cost <= MAX_COST and not _widens_for_others(miss.edits):
                found.append(miss)
    found.sort(key=lambda m: (m.cost, -m.closeness, m.policy, m.rule))
    return [m for m in found[:VERIFIED] if admits_after(engine, m, source, destination, protocol, port)]


def _widens_for_others(edits: tuple) -> bool:
    """A new peer plus a new port would admit the port to the rule's other peers too: a new rule is better."""
    return {e.reason for e in edits} >= {"add-peer", "add-port"}


def _port_edits(where, rule, raw: dict, destination, protocol, port, service_port, served) -> list[Edit]:
    """served: the ports the pods behind the rule serve (None: unknown); a port they serve is kept."""
    if rule.ports is None or port is None or rule.connections(destination).contains(protocol, port):
        return []
    entries = [(i, p or {}) for i, p in enumerate(raw.get("ports") or [])
               if ((p or {}).get("protocol") or "TCP") == protocol]
    same = next((i for i, p in entries if service_port is not None and p.get("port") == service_port), None)
    if same is not None:
        return [Edit((*where, "ports", same, "port"), service_port, port, "service-port")]
    replaceable = [(i, p) for i, p in entries
                   if served is not None and "endPort" not in p and p.get("port") not in served]
    if replaceable:  # a port nothing serves admits nothing useful: correct it
        return [Edit((*where, "ports", replaceable[0][0], "port"), replaceable[0][1].get("port"), port, "port")]
    added = {"protocol": protocol, "port": port}
    return [Edit((*where, "ports", len(raw.get("ports") or [])), None, added, "add-port")]


def _served(pods) -> set:
    """Port numbers and names the pods' containers declare."""
    ports = [p for pod in pods for c in objects.pod_containers(pod or {}) for p in c.get("ports") or []]
    return {p.get("containerPort") for p in ports} | {p.get("name") for p in ports if p.get("name")}


def _served_by_peers(engine, raw: dict, policy_ns: str) -> set | None:
    """What the pods an egress rule admits serve; None when it admits addresses or everyone (unknown)."""
    entries = [entry or {} for entry in raw.get("to") or []]
    if not entries or any("ipBlock" in entry for entry in entries):
        return None
    return _served([pod for entry in entries for pod in peer_pods(entry, policy_ns, engine.snapshot)])


def _peer_edits(engine, where, rule, raw: dict, policy_ns: str, peer, direction: str) -> list[Edit] | None:
    """The fewest edits making the rule admit the peer; None when nothing small can (ipBlocks are not near).

    A peer entry that matches pods today is not retargeted (that would cut them off): the peer is added."""
    if rule.peers is None or rule.match_peer(peer, policy_ns, _ns_labels(engine, peer)) != NO_MATCH:
        return []
    if not peer.is_pod:
        return None
    entries = raw.get(PEERS_FIELD[direction]) or []
    options = []
    if stable_labels(peer.labels):  # without them the new peer would admit its whole namespace
        added = peer_entry(peer, policy_ns)
        options.append([Edit((*where, PEERS_FIELD[direction], len(entries)), None, added, "add-peer")])
    for index, entry in enumerate(entries):
        entry = entry or {}
        if "ipBlock" not in entry and not peer_pods(entry, policy_ns, engine.snapshot):
            options.append(pod_peer_edits((*where, PEERS_FIELD[direction], index), entry, policy_ns, peer,
                                           _ns_labels(engine, peer)))
    options.sort(key=lambda edits: (sum(e.cost for e in edits),
                                    -sum(e.closeness for e in edits) / max(len(edits), 1)))
    return options[0] if options else None


def _ns_labels(engine, peer) -> dict:
    return engine.namespace_labels(peer.namespace) if peer.is_pod else {}


def admits_after(engine, miss: NearMiss, source, destination, protocol: str, port) -> bool:
    """Does this side admit the connection once the miss's edits are made? (the engine decides)"""
    from .engine import PolicyEngine

    namespace, _, name = miss.policy.rpartition("/")
    original = engine.snapshot.get(miss.kind, namespace or None, name)
    patched = apply(original, miss.edits)
    snapshot = Snapshot(engine.snapshot.origin, dict(engine.snapshot.objects), list(engine.snapshot.gaps))
    snapshot.objects[miss.kind] = [patched if p is original else p for p in snapshot.of(miss.kind)]
    check = PolicyEngine(snapshot).check(source, destination, port, protocol)
    return (check.egress if miss.direction == "egress" else check.ingress).allowed
