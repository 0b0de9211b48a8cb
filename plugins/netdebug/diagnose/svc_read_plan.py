"""Which API reads svcdebug needs for one Service (pure: Queries, executed by kube/queries.py).

Round 1: the Service itself (or, when it is missing, the candidates for "did you mean"). Round 2: its
EndpointSlices, the namespace's pods, policies (every tier), Ingresses and StatefulSets, the namespaces
involved (and the --from pod). Round 3, only what the snapshot so far calls for: v1 Endpoints when
slices are forbidden, IngressClasses, the named TLS Secrets and ingress controller pods when an Ingress
routes here, Nodes for node-port types, Events of not-ready backends.
"""
from ..model import objects
from ..model.kinds import ADMIN_POLICY_KINDS, SERVICE_NAME_LABEL
from ..model.objects import pod_ready
from ..model.queries import Query
from .dns_policy import DNS_POD_SELECTOR
from .dns_policy_fix import DNS_NAMESPACE
from .ingress import routing_ingresses
from .ingress_controllers import CONTROLLER_NAMES
from .service import selected_pods, service_type

EVENTS_PER_POD_LIMIT = 5  # more not-ready pods than this: one namespace-wide list of Warning events


def candidate_reads(namespace: str, name: str) -> list[Query]:
    """For "did you mean": the namespace's Services and same-named Services elsewhere."""
    return [Query("Service", namespace), Query("Service", None, field_selector=f"metadata.name={name}")]


def around_reads(service: dict, client_ref: tuple[str, str] | None, dns: bool = False) -> list[Query]:
    """dns: a client will resolve names (--from, or probes): the cluster DNS pods, their namespace and its
    policies too, for the DNS policy check."""
    ns, name = objects.namespace(service), objects.name(service)
    namespaces = sorted({ns} | ({client_ref[0]} if client_ref else set()) | ({DNS_NAMESPACE} if dns else set()))
    reads = [Query("EndpointSlice", ns, label_selector=f"{SERVICE_NAME_LABEL}={name}"), Query("Pod", ns),
             *policy_reads(namespaces), Query("Ingress", ns), Query("StatefulSet", ns)]
    reads += [Query("Namespace", None, other) for other in namespaces]
    if dns and ns != DNS_NAMESPACE:
        reads.append(Query("Pod", DNS_NAMESPACE, label_selector=DNS_POD_SELECTOR))
    if client_ref and client_ref[0] != ns:
        reads.append(Query("Pod", client_ref[0], client_ref[1]))
    return reads


def policy_reads(namespaces: list[str]) -> list[Query]:
    """Everything that can decide a connection: the namespaces' NetworkPolicies and every admin tier."""
    return [Query("NetworkPolicy", ns) for ns in namespaces] + [Query(kind) for kind in ADMIN_POLICY_KINDS]


def second_reads(snapshot, service: dict, slices_forbidden: bool) -> list[Query]:
    ns, name = objects.namespace(service), objects.name(service)
    reads = [Query("Endpoints", ns, name)] if not snapshot.of("EndpointSlice") and slices_forbidden else []
    routes = routing_ingresses(snapshot, service)
    if routes:
        reads += [Query("IngressClass"),
                  Query("Pod", None, label_selector=f"app.kubernetes.io/name in ({','.join(CONTROLLER_NAMES)})")]
        secrets = {t.get("secretName") for ingress, _ in routes for t in objects.spec(ingress).get("tls") or []}
        reads += [Query("Secret", ns, secret) for secret in sorted(s for s in secrets if s)]
    if service_type(service) in ("NodePort", "LoadBalancer"):
        reads.append(Query("Node"))
    return reads + event_reads(ns, [p for p in selected_pods(snapshot, service) if not pod_ready(p)])


def cluster_dns_reads(namespaces_read: list[str] | None) -> list[Query]:
    """For the probe client's DNS policy check, when the cluster DNS's namespace is not read already (None:
    every namespace is): its DNS pods and NetworkPolicies."""
    if namespaces_read is None or DNS_NAMESPACE in namespaces_read:
        return []
    return [Query("Pod", DNS_NAMESPACE, label_selector=DNS_POD_SELECTOR), Query("NetworkPolicy", DNS_NAMESPACE)]


def event_reads(ns: str, unready: list[dict]) -> list[Query]:
    if len(unready) > EVENTS_PER_POD_LIMIT:
        return [Query("Event", ns, field_selector="involvedObject.kind=Pod,type=Warning")]
    return [Query("Event", ns, field_selector=f"involvedObject.name={objects.name(p)}") for p in unready]
