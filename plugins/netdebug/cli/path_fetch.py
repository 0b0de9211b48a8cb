"""A targeted live snapshot for one SRC/DST pair: only the objects the walk reads, no cluster-wide pod list.

Typically 9-12 API calls, made by independent threads: Namespaces (labels for namespaceSelectors),
every policy that can decide the connection (NetworkPolicies and the admin tiers, kube/policies),
the source and the destination; then, where pods run in a mesh, its policies (diagnose/mesh_reads).
"""
from concurrent.futures import ThreadPoolExecutor

from ..model.kinds import CLUSTER_DOMAIN
from ..diagnose.target import Target
from ..errors import InputError, NotFoundError
from ..model import objects
from ..model.refs import parse_ref
from ..model.selectors import to_string
from ..model.snapshot import Snapshot
from ..diagnose.mesh_reads import mesh_reads, reference_reads
from ..kube.policies import policy_reads, without_unserved
from ..kube.queries import run_queries
from ..diagnose.dns_policy import DNS_POD_SELECTOR


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
        return _by_ip(cluster, target.name)
    if target.form == "service":
        found = _service(cluster, target.namespace or namespace, target.name)
    else:
        found += _by_name(cluster, target.name, client_ns)
    return found + _dns_pods(cluster)


def _dns_pods(cluster) -> list[dict]:
    """The cluster DNS pods, for the egress-to-DNS check (the path starts with a lookup)."""
    return cluster.list("Pod", "kube-system", label_selector=DNS_POD_SELECTOR)


def _service(cluster, namespace: str, name: str, service: dict | None = None) -> list[dict]:
    """A Service, its EndpointSlices and the pods its selector picks (3 calls)."""
    service = service or cluster.get("Service", namespace, name)
    if service is None:
        listed = cluster.list("Service", namespace)  # for "did you mean"; RBAC may allow list but not get
        found = next((s for s in listed if objects.name(s) == name), None)
        return _service(cluster, namespace, name, found) if found else listed
    found = [service] + _endpoint_slices(cluster, namespace, name)
    selector = objects.spec(service).get("selector")
    if selector:
        selected = cluster.list("Pod", namespace, label_selector=to_string({"matchLabels": selector}))
        found += selected or _selector_misses(cluster, namespace, selector)
    return found


def _selector_misses(cluster, namespace: str, selector: dict) -> list[dict]:
    """A selector that picks no pod: the namespace's pods (for the nearest miss) and pods elsewhere that
    it would pick (the Service may live in the wrong namespace). Two calls, only in that case."""
    elsewhere = cluster.list("Pod", None, label_selector=to_string({"matchLabels": selector}))
    return cluster.list("Pod", namespace) + [p for p in elsewhere if objects.namespace(p) != namespace]


def _endpoint_slices(cluster, namespace: str, name: str) -> list[dict]:
    """The Service's EndpointSlices; the v1 Endpoints when slices may not be read (older RBAC roles)."""
    slices = cluster.list("EndpointSlice", namespace, label_selector=f"kubernetes.io/service-name={name}")
    if slices or not any(g.kind == "EndpointSlice" and g.namespace == namespace for g in list(cluster.gaps)):
        return slices
    endpoints = cluster.get("Endpoints", namespace, name)
    return [endpoints] if endpoints else []


def _by_ip(cluster, ip: str) -> list[dict]:
    pods = cluster.list("Pod", None, field_selector=f"status.podIP={ip}")
    if pods:
        return pods
    for service in cluster.list("Service"):
        spec = objects.spec(service)
        if ip in (spec.get("clusterIPs") or [spec.get("clusterIP")]):
            return _service(cluster, objects.namespace(service), objects.name(service), service)
    return []


def _by_name(cluster, name: str, client_ns: str) -> list[dict]:
    """The Services a DNS name can land on; a short name also finds same-named Services elsewhere."""
    labels = name.rstrip(".").removesuffix("." + CLUSTER_DOMAIN).split(".")
    if len(labels) == 1:
        named = cluster.list("Service", None, field_selector=f"metadata.name={labels[0]}")
        here = next((s for s in named if objects.namespace(s) == client_ns), None)
        chosen = here or (named[0] if len(named) == 1 else None)  # the walk goes on to a lone other one
        return named + (_service(cluster, objects.namespace(chosen), labels[0], chosen)[1:] if chosen else [])
    if len(labels) == 2 or (len(labels) == 3 and labels[2] == "svc"):
        return _service(cluster, labels[1], labels[0])
    if len(labels) == 4 and labels[3] == "svc":
        return _service(cluster, labels[2], labels[1])
    return []


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
            found += _service(cluster, objects.namespace(chosen), objects.name(chosen), chosen)[1:]
    except (InputError, NotFoundError):
        pass  # the walk says what is wrong with the destination
    for ingress in ingresses:
        for tls in objects.spec(ingress).get("tls") or []:
            secret = tls.get("secretName") and cluster.get("Secret", objects.namespace(ingress), tls["secretName"])
            found += [secret] if secret else []
    return found
