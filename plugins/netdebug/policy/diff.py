"""What a change of manifests does to connectivity: connections added and removed, per workload pair.

Pure. Both sides are evaluated with the engine's matrix; pod pairs are compared once per combination
of equivalence classes. A pod present on one side only has no connections on the other. The policy
changes named for a workload pair select its source (egress) or destination (ingress); when several
do, those whose change alone makes the difference for one pod pair are kept.
"""
import json
from dataclasses import dataclass, field

from ..model import objects
from ..model.snapshot import Snapshot
from .describe import policy_types, selected_pods
from .engine import Endpoint, PolicyEngine
from .matrix import compute
from .ports import ConnectionSet


@dataclass
class Change:
    source: str  # workload, e.g. "shop/Deployment/web"
    destination: str
    added: ConnectionSet = ConnectionSet.none()
    removed: ConnectionSet = ConnectionSet.none()
    pairs: int = 0
    policies: list[str] = field(default_factory=list)
    example: tuple[str, str] | None = None  # one pod pair that exists on both sides

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.destination, "added": str(self.added), "removed": str(self.removed),
                "podPairs": self.pairs, "policies": self.policies}


def connection_changes(before, after, workload_of) -> dict[tuple[str, str], Change]:
    """before/after: (snapshot, engine). workload_of(snapshot, pod) -> "ns/Kind/name"."""
    grids = [compute(engine, snapshot.of("Pod")) for snapshot, engine in (before, after)]
    groups = pod_groups(before[0], after[0], grids, workload_of)
    changes = {}
    for (src_b, src_a, src_w), sources in groups.items():
        for (dst_b, dst_a, dst_w), destinations in groups.items():
            same = (src_b, src_a, src_w) == (dst_b, dst_a, dst_w)
            pairs = len(sources) * len(destinations) - (len(sources) if same else 0)
            old, new = _cell(grids[0], src_b, dst_b), _cell(grids[1], src_a, dst_a)
            added, removed = new - old, old - new
            if pairs and (added or removed):
                change = changes.setdefault((src_w, dst_w), Change(src_w, dst_w))
                change.added, change.removed, change.pairs = change.added | added, change.removed | removed, change.pairs + pairs
                if change.example is None and None not in (src_b, src_a, dst_b, dst_a):
                    change.example = (sources[0], destinations[-1])
    return changes


def pod_groups(before: Snapshot, after: Snapshot, grids: list, workload_of) -> dict[tuple, list[str]]:
    """Pods that answer alike on both sides: (class before, class after, workload) -> their refs."""
    class_of = [{ref: grid.class_of[i] for i, ref in enumerate(grid.refs())} for grid in grids]
    pods = {objects.ref(p): (before, p) for p in before.of("Pod")} | {objects.ref(p): (after, p) for p in after.of("Pod")}
    groups: dict[tuple, list[str]] = {}
    for ref, (snapshot, pod) in pods.items():
        groups.setdefault((class_of[0].get(ref), class_of[1].get(ref), workload_of(snapshot, pod)), []).append(ref)
    return groups


def _cell(grid, source, destination) -> ConnectionSet:
    if source is None or destination is None:
        return ConnectionSet.none()  # the pod does not exist on this side
    return grid.grid[source][destination]


def policy_changes(before: Snapshot, after: Snapshot) -> list[dict]:
    old = {objects.ref(p): p for p in before.of("NetworkPolicy")}
    new = {objects.ref(p): p for p in after.of("NetworkPolicy")}
    found = []
    for ref in sorted(old.keys() | new.keys()):
        if ref not in old:
            found.append({"policy": ref, "change": "added"})
        elif ref not in new:
            found.append({"policy": ref, "change": "removed"})
        else:
            fields = _changed_fields(objects.spec(old[ref]), objects.spec(new[ref]))
            if fields:
                found.append({"policy": ref, "change": "modified", "fields": fields})
    return found


def _changed_fields(old: dict, new: dict) -> list[str]:
    keys = sorted(old.keys() | new.keys())
    return [k for k in keys if json.dumps(old.get(k), sort_keys=True) != json.dumps(new.get(k), sort_keys=True)]


def attribute(changes: dict, policies: list[dict], before: Snapshot, after: Snapshot, workload_of) -> None:
    """Name, for each changed workload pair, the changed policies selecting its source or destination."""
    touches: dict[str, set] = {}  # policy ref -> {("egress"|"ingress", workload)}
    for snapshot in (before, after):
        for policy in snapshot.of("NetworkPolicy"):
            ref = objects.ref(policy)
            for direction in policy_types(policy):
                touches.setdefault(ref, set()).update(
                    (direction, workload_of(snapshot, pod)) for pod in selected_pods(policy, snapshot))
    changed = [p["policy"] for p in policies]
    for change in changes.values():
        change.policies = [ref for ref in changed if ("egress", change.source) in touches.get(ref, ())
                           or ("ingress", change.destination) in touches.get(ref, ())]


def reverted(after: Snapshot, before: Snapshot, ref: str) -> Snapshot:
    """The after side with one policy as it was before (gone if it was added, back if it was removed)."""
    policies = [p for p in after.of("NetworkPolicy") if objects.ref(p) != ref]
    policies += [p for p in before.of("NetworkPolicy") if objects.ref(p) == ref]
    return Snapshot(after.origin, {**after.objects, "NetworkPolicy": policies})


def narrow(changes: dict, before: Snapshot, after: tuple) -> None:
    """Of several candidate policies keep those whose change alone makes the difference for an example pair."""
    snapshot, engine = after
    pods = {objects.ref(p): p for p in snapshot.of("Pod")}
    engines: dict[str, PolicyEngine] = {}
    for change in changes.values():
        if change.example is None or len(change.policies) < 2:
            continue
        source, destination = (Endpoint.for_pod(pods[ref]) for ref in change.example)
        now = engine.allowed_connections(source, destination)
        decisive = []
        for ref in change.policies:
            if ref not in engines:
                engines[ref] = PolicyEngine(reverted(snapshot, before, ref))
            if engines[ref].allowed_connections(source, destination) != now:
                decisive.append(ref)
        change.policies = decisive or change.policies


def diff(before: tuple, after: tuple, workload_of) -> dict:
    """The comparison as data; "changed" is about connectivity (a policy edit may change nothing)."""
    changes = connection_changes(before, after, workload_of)
    policies = policy_changes(before[0], after[0])
    attribute(changes, policies, before[0], after[0], workload_of)
    narrow(changes, before[0], after)
    rows = [changes[key].to_dict() for key in sorted(changes)]
    return {"changed": bool(rows), "connections": rows, "policies": policies}

