"""A targeted Snapshot for one Service: only the objects its checks read, fetched in parallel.

Round 1: the Service itself. Round 2 (parallel): its EndpointSlices, the namespace's pods, policies,
ingresses and StatefulSets, the namespaces involved. Round 3 (parallel, only when needed): Endpoints
as a fallback, IngressClasses, the named TLS Secrets, Events of not-ready backends, Nodes, ingress
controller pods. Forbidden kinds become Gaps on the Snapshot (the checks then say what they skipped).
"""
from concurrent.futures import ThreadPoolExecutor

from ..diagnose.endpoints import SERVICE_NAME_LABEL
from ..diagnose.ingress import routing_ingresses
from ..diagnose.ingress_controllers import CONTROLLER_NAMES
from ..diagnose.service import selected_pods, service_type
from ..kube.policies import policy_reads, without_unserved
from ..model import objects
from ..model.objects import pod_ready
from ..model.snapshot import Snapshot

EVENTS_PER_POD_LIMIT = 5  # more not-ready pods than this: one namespace-wide list of Warning events
PARALLEL = 8


def fetch_service_snapshot(cluster, namespace: str, name: str, client_ref: tuple[str, str] | None = None) -> Snapshot:
    snapshot = Snapshot(origin="live")
    service = cluster.get("Service", namespace, name)
    if service is None:
        _fetch_candidates(cluster, snapshot, namespace, name)
    else:
        snapshot.add(service)
        _fetch_around(cluster, snapshot, service, client_ref)
    snapshot.gaps.extend(without_unserved(cluster.gaps))
    return snapshot


def _fetch_candidates(cluster, snapshot: Snapshot, namespace: str, name: str) -> None:
    """For "did you mean": the namespace's Services and same-named Services elsewhere."""
    calls = [lambda: cluster.list("Service", namespace),
             lambda: cluster.list("Service", None, field_selector=f"metadata.name={name}")]
    seen = set()
    for obj in _parallel(calls):
        if objects.ref(obj) not in seen:
            seen.add(objects.ref(obj))
            snapshot.add(obj)


def _fetch_around(cluster, snapshot: Snapshot, service: dict, client_ref) -> None:
    ns, name = objects.namespace(service), objects.name(service)
    namespaces = {ns} | ({client_ref[0]} if client_ref else set())
    calls = [lambda: cluster.list("EndpointSlice", ns, label_selector=f"{SERVICE_NAME_LABEL}={name}"),
             lambda: cluster.list("Pod", ns),
             *policy_reads(cluster, (ns,)),
             lambda: cluster.list("Ingress", ns),
             lambda: cluster.list("StatefulSet", ns)]
    calls += [_getter(cluster, "Namespace", None, other) for other in sorted(namespaces)]
    if client_ref and client_ref[0] != ns:
        calls += [_getter(cluster, "Pod", *client_ref), lambda: cluster.list("NetworkPolicy", client_ref[0])]
    _add_all(snapshot, _parallel(calls))
    _add_all(snapshot, _parallel(_second_round(cluster, snapshot, service)))


def _second_round(cluster, snapshot: Snapshot, service: dict) -> list:
    ns, name = objects.namespace(service), objects.name(service)
    calls = []
    if not snapshot.of("EndpointSlice") and any(g.kind == "EndpointSlice" for g in cluster.gaps):
        calls.append(_getter(cluster, "Endpoints", ns, name))
    routes = routing_ingresses(snapshot, service)
    if routes:
        calls.append(lambda: cluster.list("IngressClass"))
        selector = f"app.kubernetes.io/name in ({','.join(CONTROLLER_NAMES)})"
        calls.append(lambda: cluster.list("Pod", None, label_selector=selector))
        secrets = {t.get("secretName") for ingress, _ in routes for t in objects.spec(ingress).get("tls") or []}
        calls += [_getter(cluster, "Secret", ns, secret) for secret in sorted(s for s in secrets if s)]
    if service_type(service) in ("NodePort", "LoadBalancer"):
        calls.append(lambda: cluster.list("Node"))
    calls += _event_calls(cluster, ns, [p for p in selected_pods(snapshot, service) if not pod_ready(p)])
    return calls


def _event_calls(cluster, ns: str, unready: list[dict]) -> list:
    if not unready:
        return []
    if len(unready) > EVENTS_PER_POD_LIMIT:
        return [lambda: cluster.list("Event", ns, field_selector="involvedObject.kind=Pod,type=Warning")]
    return [(lambda pod=objects.name(p): cluster.list("Event", ns, field_selector=f"involvedObject.name={pod}"))
            for p in unready]


def _getter(cluster, kind: str, namespace: str | None, name: str):
    return lambda: cluster.get(kind, namespace, name)


def _parallel(calls: list) -> list[dict]:
    """Run the calls concurrently; each returns a list of objects, one object, or None."""
    if not calls:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(calls))) as pool:
        answers = list(pool.map(lambda call: call(), calls))
    found = []
    for answer in answers:
        found += answer if isinstance(answer, list) else ([answer] if answer else [])
    return found


def _add_all(snapshot: Snapshot, found: list[dict]) -> None:
    seen = {(o.get("kind"), objects.ref(o)) for kind in snapshot.objects for o in snapshot.of(kind)}
    for obj in found:
        key = (obj.get("kind"), objects.ref(obj))
        if key not in seen:
            seen.add(key)
            snapshot.add(obj)
