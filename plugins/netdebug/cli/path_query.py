"""netpath's reads and names: the snapshot for SRC and every DST (files or the cluster), then SRC and
DST resolved against it into one PathQuery per DST."""
from typing import TYPE_CHECKING

from ..errors import InputError, NotFoundError
from ..model import objects
from ..model.resolve import NameNotFound, Scope, qualify, resolve

if TYPE_CHECKING:
    from ..diagnose.path_report import PathQuery
    from ..diagnose.target import Target


def read_snapshot(options, src: str, source: "Target", destinations: list["Target"]) -> tuple:
    """(cluster or None offline, snapshot, namespace, source); -A qualifies SRC first."""
    from ..diagnose.target import parse_source

    if options.offline:
        from .snapshot import load_snapshot

        snapshot = load_snapshot(options, ())
        source = parse_source(qualify(snapshot, src, "SRC")) if options.all_namespaces else source
        return None, snapshot, snapshot.namespace, source
    from ..kube.client import connect
    from .path_fetch import fetch

    cluster = connect(options)
    namespace = cluster.namespace
    source = parse_source(qualify_live(cluster, src)) if options.all_namespaces else source
    snapshot = fetch(cluster, source, destinations[0], namespace, explicit=bool(options.namespace))
    for other in destinations[1:]:
        snapshot.merge(fetch(cluster, source, other, namespace, explicit=bool(options.namespace)))
    return cluster, snapshot, namespace, source


def qualify_live(cluster, src: str) -> str:
    """-A: SRC's namespace from the objects of that name in every namespace."""
    from .refs_live import same_named

    return qualify(same_named(cluster, src), src, "SRC")


def resolved_query(cluster, snapshot, *args, **extra) -> "PathQuery":
    """build_query; live, a name that is not where it was looked for gets the cluster asked where it is."""
    try:
        return build_query(snapshot, *args, **extra)
    except NameNotFound as miss:
        if cluster is None:
            raise
        from .refs_live import add_same_named

        add_same_named(cluster, snapshot, miss.ref.name)
        return build_query(snapshot, *args, **extra)  # the same miss, now saying where the name exists


def build_query(snapshot, source: "Target", destination: "Target", namespace: str, explicit: bool,
                **extra) -> "PathQuery":
    """Resolve SRC (and DST when it names pods) against the snapshot.

    DST names without a namespace live in -n when given, else in SRC's namespace (like DNS names)."""
    from ..diagnose.path_report import PathQuery

    pod, chosen_from = None, None
    if source.form != "external":
        found = resolve(snapshot, source.name, Scope(namespace), "SRC")
        pod, chosen_from = found.pod, found.workload
        _check_container(pod, extra.get("source_container"), "-c")
    dst_namespace = namespace if explicit or pod is None else objects.namespace(pod)
    pods = _destination_pods(snapshot, destination, Scope(dst_namespace))
    if pods:
        _check_container(pods[0], extra.get("to_container"), "--to-container")
    return PathQuery(source=pod, target=destination, destination_pods=pods, source_from=chosen_from,
                     namespace=dst_namespace, **extra)


def _destination_pods(snapshot, destination: "Target", scope: Scope) -> list[dict]:
    if destination.form in ("workload", "ip"):
        return list(resolve(snapshot, destination.name, scope, "DST").pods)
    if destination.maybe_pod and snapshot.get("Service", scope.namespace, destination.name) is None:
        try:
            return list(resolve(snapshot, destination.name, scope, "DST").pods)
        except NotFoundError:
            return []  # not a pod: a DNS name
    return []


def _check_container(pod: dict, name: str | None, flag: str) -> None:
    names = [c.get("name") for c in objects.pod_containers(pod)]
    if name and name not in names:
        raise InputError(f"{flag} {name}: pod {objects.ref(pod)} has containers {', '.join(names)}")
