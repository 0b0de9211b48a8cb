"""When a name is not where kubectl's rule looks, ask the cluster where it does exist (for the error's hint)."""
from concurrent.futures import ThreadPoolExecutor

from ..errors import InputError
from ..model import objects
from ..model.refs import POD_KINDS, parse_ref
from ..model.resolve import NameNotFound, Scope, resolve
from ..model.selectors import to_string
from ..model.snapshot import Snapshot

HINT_KINDS = POD_KINDS


def add_same_named(cluster, snapshot, name: str) -> None:
    """Add the pods and workloads called `name` in any namespace (one list per kind, filtered by the server)."""
    have = {(o.get("kind"), objects.ref(o)) for kind in HINT_KINDS for o in snapshot.of(kind)}
    selector = f"metadata.name={name}"
    with ThreadPoolExecutor(max_workers=len(HINT_KINDS)) as pool:
        found = pool.map(lambda kind: cluster.list(kind, None, field_selector=selector), HINT_KINDS)
    for obj in (o for batch in found for o in batch):
        if (obj.get("kind"), objects.ref(obj)) not in have:
            snapshot.add(obj)


def same_named(cluster, text: str) -> Snapshot:
    """The pods and workloads named like the reference, in every namespace (for -A)."""
    snapshot = Snapshot(origin="live")
    try:
        add_same_named(cluster, snapshot, parse_ref(text, POD_KINDS, "SRC").name)
    except InputError:
        pass  # model/resolve says what is wrong with the reference
    snapshot.gaps = list(cluster.gaps)
    return snapshot


def pod_for(cluster, text: str, namespace: str, what: str) -> tuple[str, str]:
    """(namespace, pod) for a pod or workload reference, resolved by the one rule (model/resolve) from
    the few objects it names: the pod, or the workload and its pods."""
    ref = parse_ref(text, POD_KINDS, what)
    snapshot = Snapshot(origin="live", namespace=namespace)
    obj = cluster.get(ref.kind, ref.namespace or namespace, ref.name)
    for found in ([obj] if obj else []) + (_pods_of(cluster, obj) if obj and ref.kind != "Pod" else []):
        snapshot.add(found)
    snapshot.gaps = list(cluster.gaps)
    try:
        pod = resolve(snapshot, text, Scope(namespace), what).pod
    except NameNotFound:
        add_same_named(cluster, snapshot, ref.name)
        pod = resolve(snapshot, text, Scope(namespace), what).pod  # the same miss, now saying where it exists
    return objects.namespace(pod), objects.name(pod)


def _pods_of(cluster, workload: dict) -> list[dict]:
    selector = objects.spec(workload).get("selector")
    return cluster.list("Pod", objects.namespace(workload), label_selector=to_string(selector)) if selector else []
