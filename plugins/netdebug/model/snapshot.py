"""A cluster snapshot: the objects the diagnosis reads, however they were obtained.

Live mode (kube/) and offline mode (manifests/) both fill a Snapshot; everything above
works on it alone. Objects stay plain dicts in API (JSON) form.
"""
from dataclasses import dataclass, field

from . import objects
from .gaps import Gap



@dataclass
class Snapshot:
    origin: str = "files"  # "files" or "live"
    objects: dict[str, list[dict]] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    namespace: str = "default"  # where names typed without a namespace live: -n, else the context's
    kinds_read: tuple[str, ...] = ()  # live: the kinds listed (a kind not among them is unknown, not absent)
    _by_namespace: dict = field(default_factory=dict, repr=False, compare=False)

    def add(self, obj: dict) -> None:
        self.objects.setdefault(obj.get("kind", ""), []).append(obj)

    def add_missing(self, found: list[dict]) -> None:
        """Add the objects this snapshot does not hold yet (by kind, namespace, name): several reads
        may return the same object."""
        seen = {(kind, objects.namespace(o), objects.name(o)) for kind, items in self.objects.items() for o in items}
        for obj in found:
            key = (obj.get("kind", ""), objects.namespace(obj), objects.name(obj))
            if key not in seen:
                seen.add(key)
                self.add(obj)

    def merge(self, other: "Snapshot") -> None:
        """Another read of the same cluster: its new objects and gaps join this one."""
        self.add_missing([o for items in other.objects.values() for o in items])
        self.gaps.extend(g for g in other.gaps if g not in self.gaps)

    def replace(self, old: dict, new: dict) -> None:
        """Put `new` where `old` was (the same kind/namespace/name defined again)."""
        items = self.objects[old["kind"]]
        items[next(i for i, item in enumerate(items) if item is old)] = new
        self._by_namespace.pop(old["kind"], None)

    def of(self, kind: str) -> list[dict]:
        return self.objects.get(kind, [])

    def in_namespace(self, kind: str, ns: str | None) -> list[dict]:
        """Objects of a kind in one namespace (all namespaces when ns is None)."""
        if ns is None:
            return self.of(kind)
        return list(self._namespace_index(kind).get(ns, ()))

    def _namespace_index(self, kind: str) -> dict[str, list[dict]]:
        """Objects of a kind by namespace, rebuilt when the kind's list was added to or swapped: a
        triage of a thousand Services asks for one namespace's pods a thousand times."""
        items = self.of(kind)
        cached = self._by_namespace.get(kind)
        if cached is None or cached[0] is not items or cached[1] != len(items):
            index: dict[str, list[dict]] = {}
            for obj in items:
                index.setdefault(objects.namespace(obj), []).append(obj)
            cached = self._by_namespace[kind] = (items, len(items), index)
        return cached[2]

    def get(self, kind: str, ns: str | None, name: str) -> dict | None:
        for obj in self.of(kind):
            if objects.name(obj) == name and (ns is None or objects.namespace(obj) == ns):
                return obj
        return None

    def namespace_labels(self, ns: str) -> dict:
        obj = self.get("Namespace", None, ns)
        if obj is None:
            return {"kubernetes.io/metadata.name": ns}
        return objects.labels(obj)

    def namespaces(self) -> list[str]:
        names = {objects.name(o) for o in self.of("Namespace")}
        names |= {objects.namespace(o) for kind in self.objects for o in self.of(kind) if objects.namespace(o)}
        return sorted(names)

    def gaps_for(self, kind: str) -> list[Gap]:
        return [g for g in self.gaps if g.kind == kind]

    def complete(self, kind: str, namespace: str | None = None) -> bool:
        """True when nothing kept us from seeing every object of this kind (in `namespace`, when given: a
        list across namespaces that RBAC forbade may have been read in that one)."""
        return not any(g.covers(kind, namespace) for g in self.gaps)
