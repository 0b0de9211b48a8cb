"""Near misses in the admin tiers: an Allow (or Pass) rule of an AdminNetworkPolicy,
BaselineAdminNetworkPolicy or ClusterNetworkPolicy whose peer would match the connection but for a
small selector edit (a label value typo), while a Deny decides it. Pure; verified like NetworkPolicy
near misses, by evaluating the edited policy.
"""
from ..model import objects
from .near_miss import MAX_COST, NearMiss, admits_after
from .near_miss_edits import selector_edits
from .validate import PEERS_FIELD


def admin_near_misses(engine, source, destination, direction: str, protocol: str, port) -> list[NearMiss]:
    subject, peer = (source, destination) if direction == "egress" else (destination, source)
    if not peer.is_pod:
        return []
    found = []
    for rule in engine.admin_rules:
        if rule.direction != direction or rule.action == "deny" or \
                not rule.subject.matches(subject, engine.namespace_labels(subject.namespace)):
            continue
        policy = engine.snapshot.get(rule.kind, None, rule.policy)
        entries = ((objects.spec(policy).get(direction) or [])[rule.index] or {}).get(PEERS_FIELD[direction]) or []
        for index, entry in enumerate(entries):
            path = ("spec", direction, rule.index, PEERS_FIELD[direction], index)
            edits = _peer_edits(path, entry or {}, peer, engine.namespace_labels(peer.namespace))
            miss = NearMiss(rule.policy, direction, rule.index, tuple(edits), rule.kind)
            if edits and miss.cost <= MAX_COST // 2:  # typos only: an admin rule is never retargeted
                found.append(miss)
    found.sort(key=lambda m: (m.cost, -m.closeness, m.kind, m.policy, m.rule))
    return [m for m in found[:3] if admits_after(engine, m, source, destination, protocol, port)]


def _peer_edits(path: tuple, entry: dict, peer, namespace_labels: dict) -> list:
    if "namespaces" in entry:
        return selector_edits((*path, "namespaces"), entry["namespaces"] or {}, namespace_labels)
    pods = entry.get("pods")
    if pods is None:
        return []  # networks, nodes, domain names: addresses, not pods
    return selector_edits((*path, "pods", "namespaceSelector"), pods.get("namespaceSelector") or {}, namespace_labels) \
        + selector_edits((*path, "pods", "podSelector"), pods.get("podSelector") or {}, peer.labels)
