"""A targeted live snapshot for one SRC/DST pair: only the objects the walk reads, no cluster-wide pod list.

Typically 9-12 API calls, made by independent threads: Namespaces (labels for namespaceSelectors),
every policy that can decide the connection (NetworkPolicies and the admin tiers, kube/policies),
the source and the destination; then, where pods run in a mesh, its policies (diagnose/mesh_reads).
"""
from concurrent.futures import ThreadPoolExecutor

from ..diagnose.dns_policy import DNS_POD_SELECTOR
from ..diagnose.mesh_reads import mesh_reads, reference_reads
from ..diagnose.target import Target
from ..errors import InputError, NotFoundError
from ..kube.policies import policy_reads, without_unserved
from ..kube.queries import run_queries
from ..model import objects
from ..model.refs import parse_ref
from ..model.selectors import to_string
from ..model.snapshot import Snapshot
from .path_fetch_services import by_ip, by_name, service_reads



def fetch(cluster, source: Target, destination: Target, namespace: str, explicit: bool = False) -> Snapshot:
    """Objects for the walk; cluster.gaps (RBAC, missing kinds) become snapshot.gaps.

    DST names without a namespace are looked up in -n when given (`explicit`), else in SRC's namespace."""
    gaps_before = len(cluster.gaps)
    jobs = [lambda: cluster.list("Namespace"), *policy_reads(cluster), lambda: _endpoint(cluster, source, namespace)]
    if source.form != "external":
        client_ns = _ref_namespace(source.name, namespace)
        jobs.append(lambda: _destination(cluster, destination, namespace if explicit else client_ns, client_ns))
    else:
        jobs.append(lambda: _external(cluster, destination, namespace))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        batches = list(pool.map(lambda job: job(), jobs))
    snapshot = Snapshot(origin="live")
    seen = set()
    for obj in (o for batch in batches for o in batch):
        key = (obj.get("kind"), objects.namespace(obj), objects.name(obj))
        if key not in seen:
            seen.add(key)
            snapshot.add(obj)
    snapshot.add_missing(run_queries(cluster, mesh_reads(snapshot, snapshot.of("Pod"))))
    snapshot.add_missing(run_queries(cluster, reference_reads(snapshot)))
    snapshot.gaps.extend(without_unserved(cluster.gaps[gaps_before:]))
    return snapshot


def _split_ref(text: str, default: str) -> tuple[str, str | None, str]:
    """`pod`, `ns/pod`, `kind/name`, `ns/kind/name` -> (namespace, kind, name); kind None: not a reference."""
    try:
        ref = parse_ref(text)
    except InputError:
        return default, None, text  # model/resolve says what is wrong with it
    return ref.namespace or default, ref.kind, ref.name


def _ref_namespace(text: str, default: str) -> str:
    return _split_ref(text, default)[0]


def _endpoint(cluster, target: Target, namespace: str) -> list[dict]:
    """A pod or workload reference: the pod (1 call) or the workload and its pods (2 calls)."""
    if target.form != "workload" and not target.maybe_pod:
        return []
    ns, kind, name = _split_ref(target.name, namespace)
    if kind is None:
        return []
    obj = cluster.get(kind, ns, name)
    if obj is None or kind == "Pod":
        return [obj] if obj else []
    selector = objects.spec(obj).get("selector")
    return [obj] + (cluster.list("Pod", ns, label_selector=to_string(selector)) if selector else [])


def _destination(cluster, target: Target, namespace: str, client_ns: str) -> list[dict]:
    found = _endpoint(cluster, target, namespace)
    if target.form == "workload":
        return found
    if target.form == "ip":
        return by_ip(cluster, target.name)
    if target.form == "service":
        found = service_reads(cluster, target.namespace or namespace, target.name)
    else:
        found += by_name(cluster, target.name, client_ns)
    return found + _dns_pods(cluster)


def _dns_pods(cluster) -> list[dict]:
    """The cluster DNS pods, for the egress-to-DNS check (the path starts with a lookup)."""
    return cluster.list("Pod", "kube-system", label_selector=DNS_POD_SELECTOR)



def _external(cluster, target: Target, namespace: str) -> list[dict]:
    """From outside: nodes, classes, Ingresses, the Services (names and addresses they publish), then
    the endpoints and pods of the one the way in leads to, and the TLS Secrets."""
    from ..diagnose.external import route

    service_ns = target.namespace or namespace if target.form == "service" else None
    ingresses = cluster.list("Ingress", service_ns)
    found = cluster.list("Node") + cluster.list("IngressClass") + ingresses + cluster.list("Service", service_ns)
    view = Snapshot(origin="live")
    for obj in found:
        view.add(obj)
    try:
        way_in = route(view, target, namespace)
        for chosen in filter(None, (way_in.service, way_in.controller)):  # the controller's pods: mesh clients
            found += service_reads(cluster, objects.namespace(chosen), objects.name(chosen), chosen)[1:]
    except (InputError, NotFoundError):
        pass  # the walk says what is wrong with the destination
    for ingress in ingresses:
        for tls in objects.spec(ingress).get("tls") or []:
            secret = tls.get("secretName") and cluster.get("Secret", objects.namespace(ingress), tls["secretName"])
            found += [secret] if secret else []
    return found
