"""A NetworkPolicy as structured data: whom it selects, which directions, which peers and ports.

Pure: the renderer turns this into sentences; lint and exposure read the same data. Selectors are
kept in their canonical string form (`app=web`, `<all>`) next to the pods they match right now.
"""
import functools
import ipaddress

from ..model import objects, selectors
from ..model.snapshot import Snapshot

DIRECTIONS = ("ingress", "egress")
PEERS_KEY = {"ingress": "from", "egress": "to"}


class SnapshotIndex:
    """A read-only view of a Snapshot with its per-namespace lookups precomputed (they are hot:
    every selector of every policy is matched against the pods of some namespaces)."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self._by_kind_namespace: dict[tuple[str, str], list[dict]] = {}
        for kind in ("Pod", "NetworkPolicy"):
            for obj in snapshot.of(kind):
                self._by_kind_namespace.setdefault((kind, objects.namespace(obj)), []).append(obj)
        self._namespaces = snapshot.namespaces()
        self._labels = {ns: snapshot.namespace_labels(ns) for ns in self._namespaces}

    def of(self, kind: str) -> list[dict]:
        return self.snapshot.of(kind)

    def get(self, kind: str, ns: str | None, name: str) -> dict | None:
        return self.snapshot.get(kind, ns, name)

    @functools.cached_property
    def pod_addresses(self) -> list[tuple[str, tuple]]:
        """(pod ref, its IPs as ipaddress objects) for every pod; unparsable IPs are left out."""
        found = []
        for pod in self.snapshot.of("Pod"):
            addresses = []
            for ip in objects.pod_ips(pod):
                try:
                    addresses.append(ipaddress.ip_address(ip))
                except ValueError:
                    continue
            found.append((objects.ref(pod), tuple(addresses)))
        return found

    def in_namespace(self, kind: str, ns: str | None) -> list[dict]:
        if ns is None or kind not in ("Pod", "NetworkPolicy"):
            return self.snapshot.in_namespace(kind, ns)
        return self._by_kind_namespace.get((kind, ns), [])

    def namespaces(self) -> list[str]:
        return self._namespaces

    def namespace_labels(self, ns: str) -> dict:
        return self._labels.get(ns) or self.snapshot.namespace_labels(ns)


def indexed(snapshot) -> SnapshotIndex:
    return snapshot if isinstance(snapshot, SnapshotIndex) else SnapshotIndex(snapshot)


def policy_types(policy: dict) -> list[str]:
    """Effective directions, lower-case, in canonical order (the API's defaults applied)."""
    spec = objects.spec(policy)
    given = spec.get("policyTypes")
    if given:
        types = {t.lower() for t in given}
    else:
        types = {"ingress"} | ({"egress"} if spec.get("egress") else set())
    return [d for d in DIRECTIONS if d in types]


def selected_pods(policy: dict, snapshot: Snapshot) -> list[dict]:
    selector = objects.spec(policy).get("podSelector") or {}
    return [pod for pod in snapshot.in_namespace("Pod", objects.namespace(policy))
            if selectors.matches(selector, objects.labels(pod))]


def describe_policy(policy: dict, snapshot: Snapshot) -> dict:
    spec, ns = objects.spec(policy), objects.namespace(policy)
    types = policy_types(policy)
    described = {
        "policy": objects.ref(policy),
        "namespace": ns,
        "podSelector": selectors.to_string(spec.get("podSelector") or {}),
        "directions": types,
        "selects": sorted(objects.ref(p) for p in selected_pods(policy, snapshot)),
    }
    for direction in DIRECTIONS:
        if direction in types:
            rules = spec.get(direction) or []
            described[direction] = [describe_rule(i, r, direction, ns, snapshot) for i, r in enumerate(rules)]
    ignored = [d for d in DIRECTIONS if d not in types and spec.get(d)]
    if ignored:
        described["ignored"] = ignored  # rules present but their direction is not in policyTypes
    return described


def describe_rule(index: int, rule: dict, direction: str, ns: str, snapshot: Snapshot) -> dict:
    """`peers`/`ports` is "all" when the field is absent or empty (it then restricts nothing)."""
    peers = (rule or {}).get(PEERS_KEY[direction]) or []
    ports = (rule or {}).get("ports") or []
    return {
        "rule": index,
        "peers": [describe_peer(i, p, ns, snapshot) for i, p in enumerate(peers)] or "all",
        "ports": [describe_port(p) for p in ports] or "all",
    }


def describe_peer(index: int, peer: dict, ns: str, snapshot: Snapshot) -> dict:
    if "ipBlock" in peer:
        block = peer["ipBlock"] or {}
        return {"peer": index, "kind": "ipBlock", "cidr": block.get("cidr", ""), "except": list(block.get("except") or [])}
    pod_selector = peer.get("podSelector")
    ns_selector = peer.get("namespaceSelector")
    described = {
        "peer": index,
        "kind": "pods",
        "pods": selectors.to_string(pod_selector or {}),
        "namespaces": {"same": ns} if ns_selector is None else {"selector": selectors.to_string(ns_selector)},
    }
    described["matches"] = sorted(objects.ref(p) for p in peer_pods(peer, ns, snapshot))
    return described


def peer_namespaces(peer: dict, ns: str, snapshot: Snapshot) -> list[str]:
    ns_selector = peer.get("namespaceSelector")
    if ns_selector is None:
        return [ns]
    return [n for n in snapshot.namespaces() if selectors.matches(ns_selector, snapshot.namespace_labels(n))]


def peer_pods(peer: dict, ns: str, snapshot: Snapshot) -> list[dict]:
    """Pods a podSelector/namespaceSelector peer matches right now (never ipBlock peers)."""
    pod_selector = peer.get("podSelector") or {}
    found = []
    for namespace in peer_namespaces(peer, ns, snapshot):
        found += [p for p in snapshot.in_namespace("Pod", namespace) if selectors.matches(pod_selector, objects.labels(p))]
    return found


def describe_port(port: dict) -> dict:
    described = {"protocol": port.get("protocol") or "TCP", "port": port.get("port")}
    if port.get("endPort") is not None:
        described["endPort"] = port["endPort"]
    return described


def describe_all(snapshot: Snapshot, policies: list[dict]) -> list[dict]:
    index = indexed(snapshot)
    return [describe_policy(p, index) for p in policies]
