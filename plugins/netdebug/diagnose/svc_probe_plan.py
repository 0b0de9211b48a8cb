"""Which probes prove a Service works, from which pods (pure: builds ProbeSpecs, sends nothing).

Clients: the --from pod, else a ready pod of the namespace that is not a backend, plus a ready backend
(the hairpin case: a backend reaching itself through its own Service). The first client reads its
resolv.conf, resolves the Service's names and connects to the ClusterIP and to every endpoint; the
hairpin backend only connects to the ClusterIP. After the first round: the socket tables of endpoints
that refused, and the FQDN again when the clients' search list shows another cluster domain.
"""
from dataclasses import dataclass

from ..model import objects
from ..model.kinds import CLUSTER_DNS_CHECK, CLUSTER_DOMAIN
from ..errors import InputError
from ..model.probes import ProbeSpec, checked_host
from .endpoints import EndpointView
from .service import is_headless, service_type
from .service_ports import resolve_target_port, target_port



@dataclass(frozen=True)
class Client:
    pod: dict
    container: str
    role: str  # "--from" | "namespace pod" | "backend"

    @property
    def ref(self) -> str:
        return objects.ref(self.pod)


def choose_client_pods(namespace_pods: list[dict], backends: list[dict],
                       from_pod: dict | None) -> list[tuple[dict, str]]:
    """(pod, role): the --from pod; else a ready non-backend pod of the namespace and a ready backend."""
    if from_pod is not None:
        return [(from_pod, "--from")]
    backend_refs = {objects.ref(p) for p in backends}
    chosen = []
    for role, pool in (("namespace pod", [p for p in namespace_pods if objects.ref(p) not in backend_refs]),
                       ("backend", backends)):
        pod = next((p for p in pool if objects.pod_ready(p) and objects.pod_ips(p)
                    and not objects.meta(p).get("deletionTimestamp")), None)
        if pod is not None:
            chosen.append((pod, role))
    return chosen


def dns_names(service: dict, domain: str) -> dict[str, str]:
    """name -> what it tests: the short name, name.ns, the FQDN, and the cluster DNS itself."""
    name, ns = objects.name(service), objects.namespace(service)
    names = {name: "short", f"{name}.{ns}": "namespace", f"{name}.{ns}.svc.{domain}": "fqdn",
             CLUSTER_DNS_CHECK: "cluster-dns"}
    external = objects.spec(service).get("externalName") if service_type(service) == "ExternalName" else None
    if external and _is_host(external):  # an invalid name is already a static finding
        names[external] = "external-name"
    return names


def _is_host(text: str) -> bool:
    try:
        checked_host(text)
    except InputError:
        return False
    return True


def plan_probes(service: dict, ports: list[dict], view: EndpointView, clients: list[Client],
                pods_by_ref: dict, domain: str = CLUSTER_DOMAIN) -> list[ProbeSpec]:
    specs = []
    for index, client in enumerate(clients):
        hairpin_only = index > 0 and client.role == "backend"  # the first client already checked DNS
        specs += _client_specs(service, ports, client, domain, hairpin_only)
        if index == 0:
            specs += endpoint_specs(ports, view, client, pods_by_ref)
    return specs


def _client_specs(service: dict, ports: list[dict], client: Client, domain: str, hairpin_only: bool) -> list[ProbeSpec]:
    ns, pod, container = objects.namespace(client.pod), objects.name(client.pod), client.container
    specs = []
    if not hairpin_only:
        specs.append(ProbeSpec("resolv", ns, pod, container, role="resolv"))
        specs += [ProbeSpec("dns", ns, pod, container, name, role="dns") for name in dns_names(service, domain)]
    cluster_ip = objects.spec(service).get("clusterIP")
    role = "hairpin" if client.role == "backend" else "service"
    if cluster_ip and cluster_ip != "None" and not is_headless(service) and service_type(service) != "ExternalName":
        specs += [ProbeSpec(_kind(p), ns, pod, container, cluster_ip, p.get("port"), role=role)
                  for p in ports if _kind(p)]
    return specs


def endpoint_specs(ports: list[dict], view: EndpointView, client: Client, pods_by_ref: dict) -> list[ProbeSpec]:
    """One probe per endpoint address and Service port, straight to the pod (bypassing the Service)."""
    ns, pod, container = objects.namespace(client.pod), objects.name(client.pod), client.container
    specs = []
    for endpoint in view.ready or [e for e in view.endpoints if _running(pods_by_ref.get(e.pod))]:
        for port in ports:
            number = endpoint_port(port, endpoint, pods_by_ref.get(endpoint.pod))
            if number is not None and _kind(port):
                specs.append(ProbeSpec(_kind(port), ns, pod, container, endpoint.ip, number, role="endpoint"))
    return specs


def listening_specs(view: EndpointView, results: list, pods_by_ref: dict, choose_container) -> list[ProbeSpec]:
    """Read the socket tables of the endpoint pods that refused a connection (what do they listen on?)."""
    by_ip = {e.ip: e.pod for e in view.endpoints if e.pod}
    refused = sorted({by_ip[r.spec.target] for r in results if r.outcome == "refused" and r.spec.target in by_ip})
    pods = [pods_by_ref[ref] for ref in refused if ref in pods_by_ref and objects.pod_containers(pods_by_ref[ref])]
    return [ProbeSpec("listening", objects.namespace(p), objects.name(p), choose_container(p), role="listening")
            for p in pods]


def other_domain_specs(service: dict, resolv_results: list, domain: str) -> list[ProbeSpec]:
    """When the clients' search list shows a cluster domain other than cluster.local, the FQDN there too."""
    if domain == CLUSTER_DOMAIN:
        return []
    fqdn = f"{objects.name(service)}.{objects.namespace(service)}.svc.{domain}"
    return [ProbeSpec("dns", *r.spec.source, fqdn, role="dns") for r in resolv_results]


def _running(pod: dict | None) -> bool:
    """A not-ready endpoint is worth probing only when some container of its pod runs."""
    if pod is None:
        return True
    return any("running" in (s.get("state") or {}) for s in objects.status(pod).get("containerStatuses") or [])


def endpoint_port(port: dict, endpoint, pod: dict | None) -> int | None:
    """The port this endpoint serves the Service port on: from the EndpointSlice, else the pod spec."""
    for entry in endpoint.ports:
        if entry.get("name", "") == (port.get("name") or "") and entry.get("protocol") == port.get("protocol", "TCP"):
            return entry.get("port")
    if pod is not None:
        return resolve_target_port(port, pod)
    target = target_port(port)
    return target if isinstance(target, int) else None


def _kind(port: dict) -> str | None:
    return {"TCP": "tcp", "UDP": "udp"}.get(port.get("protocol", "TCP"))
