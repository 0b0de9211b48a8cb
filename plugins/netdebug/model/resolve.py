"""What the user typed (`pod`, `ns/pod`, `deploy/name`, `ns/sts/name`, an IP), found in a snapshot (pure).

kubectl's rule, for every plugin: a name typed without a namespace lives in the scope's namespace
(-n, else the context's; `default` for files); -A looks in every namespace, where it must be unique.
A miss says where the name does exist (other namespaces, other kinds) and which reference would work.
"""
from dataclasses import dataclass

from ..errors import InputError, NotFoundError
from . import objects
from .gaps import require
from .refs import POD_KINDS, ObjectRef, parse_ref
from .selectors import matches
from .snapshot import Snapshot


@dataclass(frozen=True)
class Scope:
    """Where names typed without a namespace are looked for."""

    namespace: str
    all_namespaces: bool = False


class NameNotFound(NotFoundError):
    """A reference that names nothing in its namespace; `alternatives` are references that would work."""

    def __init__(self, message: str, ref: ObjectRef, alternatives: tuple[str, ...] = ()):
        super().__init__(message)
        self.ref, self.alternatives = ref, alternatives

    @property
    def instead(self) -> tuple[str, str] | None:
        """(what was typed, the first reference that would work), for the error's "try:" line."""
        return (self.ref.text, self.alternatives[0]) if self.alternatives else None


@dataclass(frozen=True)
class Target:
    """A resolved endpoint: a pod (possibly picked from a workload's pods) or a bare IP."""

    text: str
    pod: dict | None = None
    ip: str | None = None
    workload: str | None = None  # "Deployment shop/web" when the text named a workload
    pods: tuple = ()  # every pod of the workload, the chosen one first

    @property
    def ref(self) -> str:
        return objects.ref(self.pod) if self.pod is not None else self.ip


def resolve(snapshot: Snapshot, text: str, scope: Scope, what: str = "endpoint") -> Target:
    """A pod, a workload (its pods, ready ones first) or an IP (the pod that has it, if any)."""
    text = text.strip()
    if objects.is_ip(text):
        return _resolve_ip(snapshot, text)
    ref = parse_ref(text, POD_KINDS, what)
    obj = find(snapshot, ref, scope)
    if ref.kind == "Pod":
        return Target(text, pod=obj, ip=_first(objects.pod_ips(obj)), pods=(obj,))
    pods = workload_pods(snapshot, obj)
    if not pods:
        require(snapshot.gaps, "Pod", objects.namespace(obj), f"cannot resolve {text}")
        raise NotFoundError(f"{ref.kind} {objects.ref(obj)} has no pods")
    return Target(text, pod=pods[0], ip=_first(objects.pod_ips(pods[0])), workload=f"{ref.kind} {objects.ref(obj)}",
                  pods=tuple(pods))


def find(snapshot: Snapshot, ref: ObjectRef, scope: Scope) -> dict:
    """The one object the reference names in its scope; a miss or an ambiguity is bad input."""
    namespace = ref.namespace or (None if scope.all_namespaces else scope.namespace)
    here = [o for o in snapshot.in_namespace(ref.kind, namespace) if objects.name(o) == ref.name]
    if len(here) == 1:
        return here[0]
    require(snapshot.gaps, ref.kind, namespace, f"cannot resolve {ref.text}")
    if here:
        spaces = ", ".join(sorted(objects.namespace(o) for o in here))
        raise InputError(f"{ref.kind} {ref.name} exists in several namespaces ({spaces}): use -n NS or NS/NAME")
    raise miss(snapshot, ref, namespace)


def qualify(snapshot: Snapshot, text: str, what: str) -> str:
    """-A: a reference typed without a namespace, spelled with the one namespace where it exists."""
    if text.strip().lower() == "external" or objects.is_ip(text.strip()):
        return text
    ref = parse_ref(text, POD_KINDS, what)
    if ref.namespace:
        return text
    found = find(snapshot, ref, Scope("", all_namespaces=True))
    return ref.spelled(namespace=objects.namespace(found))


def miss(snapshot: Snapshot, ref: ObjectRef, namespace: str | None) -> NameNotFound:
    where = f"in namespace {namespace}" if namespace else "in any namespace"
    alternatives = elsewhere(snapshot, ref, namespace)
    found = f"; found {', '.join(alternatives[:3])}{' ...' if len(alternatives) > 3 else ''}" if alternatives else ""
    return NameNotFound(f"{ref.kind} {ref.name} not found {where}{found}", ref, tuple(alternatives))


def elsewhere(snapshot: Snapshot, ref: ObjectRef, namespace: str | None) -> list[str]:
    """References to objects of the same name: other kinds in the same namespace first, then anywhere."""
    kinds = POD_KINDS if ref.kind in POD_KINDS else (ref.kind,)
    found = {(objects.namespace(o) != (namespace or objects.namespace(o)), kind != ref.kind, objects.namespace(o),
              kinds.index(kind)) for kind in kinds for o in snapshot.of(kind) if objects.name(o) == ref.name}
    return [ObjectRef(ref.name, kinds[kind], ref.name, ns).spelled(default_kind=kinds[0])
            for *_, ns, kind in sorted(found)]


def _resolve_ip(snapshot: Snapshot, ip: str) -> Target:
    """An IP that belongs to a (non-hostNetwork) pod stands for that pod."""
    for pod in snapshot.of("Pod"):
        if ip in objects.pod_ips(pod) and not objects.host_network(pod):
            return Target(ip, pod=pod, ip=ip, pods=(pod,))
    return Target(ip, ip=ip)


def _first(items: list):
    return items[0] if items else None


def workload_pods(snapshot: Snapshot, workload: dict) -> list[dict]:
    """The workload's pods by its selector, ready ones first, then by name."""
    selector = objects.spec(workload).get("selector") or {}
    if not selector:
        return []
    pods = [p for p in snapshot.in_namespace("Pod", objects.namespace(workload))
            if matches(selector, objects.labels(p))]
    return sorted(pods, key=lambda p: (not objects.pod_ready(p), objects.name(p)))


def workload_of(snapshot: Snapshot, pod: dict) -> tuple[str, str]:
    """(kind, name) of the pod's top controller: Deployment above a ReplicaSet, CronJob above a Job."""
    owner = objects.owner(pod)
    if owner is None:
        return "Pod", objects.name(pod)
    kind, name = owner.get("kind", ""), owner.get("name", "")
    if kind in ("ReplicaSet", "Job"):
        parent = snapshot.get(kind, objects.namespace(pod), name)
        above = objects.owner(parent) if parent is not None else None
        if above is not None:
            return above.get("kind", ""), above.get("name", "")
        template_hash = objects.labels(pod).get("pod-template-hash")
        if kind == "ReplicaSet" and template_hash and name.endswith(f"-{template_hash}"):
            return "Deployment", name[: -len(template_hash) - 1]
    return kind, name
