"""The Services a DST can land on, live: by name, by DNS name, by address; each read with its
EndpointSlices and the pods its selector picks."""
from ..model import objects
from ..model.kinds import CLUSTER_DOMAIN
from ..model.selectors import to_string


def service_reads(cluster, namespace: str, name: str, service: dict | None = None) -> list[dict]:
    """A Service, its EndpointSlices and the pods its selector picks (3 calls)."""
    service = service or cluster.get("Service", namespace, name)
    if service is None:
        listed = cluster.list("Service", namespace)  # for "did you mean"; RBAC may allow list but not get
        found = next((s for s in listed if objects.name(s) == name), None)
        return service_reads(cluster, namespace, name, found) if found else listed
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


def by_ip(cluster, ip: str) -> list[dict]:
    pods = cluster.list("Pod", None, field_selector=f"status.podIP={ip}")
    if pods:
        return pods
    for service in cluster.list("Service"):
        spec = objects.spec(service)
        if ip in (spec.get("clusterIPs") or [spec.get("clusterIP")]):
            return service_reads(cluster, objects.namespace(service), objects.name(service), service)
    return []


def by_name(cluster, name: str, client_ns: str) -> list[dict]:
    """The Services a DNS name can land on; a short name also finds same-named Services elsewhere."""
    labels = name.rstrip(".").removesuffix("." + CLUSTER_DOMAIN).split(".")
    if len(labels) == 1:
        named = cluster.list("Service", None, field_selector=f"metadata.name={labels[0]}")
        here = next((s for s in named if objects.namespace(s) == client_ns), None)
        chosen = here or (named[0] if len(named) == 1 else None)  # the walk goes on to a lone other one
        return named + (service_reads(cluster, objects.namespace(chosen), labels[0], chosen)[1:] if chosen else [])
    if len(labels) == 2 or (len(labels) == 3 and labels[2] == "svc"):
        return service_reads(cluster, labels[1], labels[0])
    if len(labels) == 4 and labels[3] == "svc":
        return service_reads(cluster, labels[2], labels[1])
    return []
