"""Turn what the user typed (`pod`, `ns/pod`, `deploy/name`, `ns/sts/name`, an IP) into a pod or an IP.

Without a namespace (in the text or -n) a name is looked up in every namespace and must be unique.
Missing and ambiguous names are InputErrors that say which namespaces have the name.
"""
from dataclasses import dataclass

from ..errors import InputError, NotFoundError
from ..model import objects
from ..model.gaps import require
from ..model.selectors import matches
from ..model.kinds import POD_CONTROLLER_KINDS as WORKLOAD_KINDS
from ..model.snapshot import Snapshot

KIND_ALIASES = {
    "pod": "Pod", "pods": "Pod", "po": "Pod",
    "deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
    "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet",
    "ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet",
    "rs": "ReplicaSet", "replicaset": "ReplicaSet", "replicasets": "ReplicaSet",
}
INGRESS_CONTROLLER = "ingress-controller"  # netpolicy's pseudo-source: the ingress controller pods


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


def resolve(snapshot: Snapshot, text: str, namespace: str | None = None) -> Target:
    text = text.strip()
    if objects.is_ip(text):
        return _resolve_ip(snapshot, text)
    parts = text.split("/")
    if len(parts) == 3:
        return _resolve_kind(snapshot, text, parts[1], parts[2], parts[0])
    if len(parts) == 2 and parts[0].lower() in KIND_ALIASES:
        return _resolve_kind(snapshot, text, parts[0], parts[1], namespace)
    if len(parts) == 2:
        return _resolve_kind(snapshot, text, "pod", parts[1], parts[0])
    if len(parts) == 1 and text:
        return _resolve_kind(snapshot, text, "pod", text, namespace)
    raise InputError(f"cannot understand endpoint {text!r}: use POD, NS/POD, KIND/NAME, NS/KIND/NAME or an IP")


def ingress_controller(snapshot: Snapshot, override: str | None = None) -> Target:
    """The pseudo-endpoint `ingress-controller`: the ingress controller pods, ready ones first."""
    from ..diagnose.ingress_controllers import all_controllers

    found = all_controllers(snapshot, override)
    if not found.pods:
        raise NotFoundError(f"no ingress controller pods found (by {found.source}); "
                            "name a controller pod instead, or use kubectl netpolicy ingress --ingress-controller")
    pods = sorted(found.pods, key=lambda p: (not objects.pod_ready(p), objects.ref(p)))
    return Target(INGRESS_CONTROLLER, pod=pods[0], ip=_first(objects.pod_ips(pods[0])),
                  workload=f"ingress controller ({found.source})", pods=tuple(pods))


def _resolve_ip(snapshot: Snapshot, ip: str) -> Target:
    """An IP that belongs to a (non-hostNetwork) pod stands for that pod."""
    for pod in snapshot.of("Pod"):
        if ip in objects.pod_ips(pod) and not objects.host_network(pod):
            return Target(ip, pod=pod, ip=ip, pods=(pod,))
    return Target(ip, ip=ip)


def _resolve_kind(snapshot: Snapshot, text: str, alias: str, name: str, namespace: str | None) -> Target:
    kind = KIND_ALIASES.get(alias.lower())
    if kind is None:
        raise InputError(f"{text}: unknown kind {alias!r} (use pod, deploy, sts, ds or rs)")
    obj = _find(snapshot, kind, name, namespace, text)
    if kind == "Pod":
        return Target(text, pod=obj, ip=_first(objects.pod_ips(obj)), pods=(obj,))
    pods = workload_pods(snapshot, obj)
    if not pods:
        require(snapshot.gaps, "Pod", objects.namespace(obj), f"cannot resolve {text}")
        raise NotFoundError(f"{kind} {objects.ref(obj)} has no pods")
    return Target(text, pod=pods[0], ip=_first(objects.pod_ips(pods[0])), workload=f"{kind} {objects.ref(obj)}",
                  pods=tuple(pods))


def _first(items: list):
    return items[0] if items else None


def _find(snapshot: Snapshot, kind: str, name: str, namespace: str | None, text: str) -> dict:
    found = [o for o in snapshot.of(kind) if objects.name(o) == name]
    here = [o for o in found if namespace is None or objects.namespace(o) == namespace]
    if len(here) == 1:
        return here[0]
    require(snapshot.gaps, kind, namespace, f"cannot resolve {text}")
    spaces = ", ".join(sorted({objects.namespace(o) for o in found}))
    if not here:
        where = f"in namespace {namespace}" if namespace else "in any namespace"
        elsewhere = f" (it exists in: {spaces})" if spaces else ""
        raise NotFoundError(f"{kind} {name} not found {where}{elsewhere}")
    raise InputError(f"{kind} {name} exists in several namespaces ({spaces}): use -n or NS/NAME")


def workload_pods(snapshot: Snapshot, workload: dict) -> list[dict]:
    """The workload's pods by its selector, ready ones first, then by name."""
    selector = objects.spec(workload).get("selector") or {}
    if not selector:
        return []
    pods = [p for p in snapshot.in_namespace("Pod", objects.namespace(workload)) if matches(selector, objects.labels(p))]
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
