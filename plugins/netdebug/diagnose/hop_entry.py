"""The entry hop for traffic from outside the cluster: only what the path uses.

Through an Ingress rule: that Ingress (class, backend port, its address), its TLS only for https,
and the controller's Service that owns the address. Through a Service: its type, node ports,
LoadBalancer address and externalTrafficPolicy. The checks themselves are svcdebug's
(service_types, ingress); this hop gathers the facts of the way in and judges them.
"""
from ..model import objects
from ..model.findings import Finding
from .endpoints import service_endpoints
from .external import ExternalRoute, node_addresses
from .hops import Hop, service_port
from .ingress import ingress_addresses, route_findings, service_externaldns
from .service import service_type, subject
from .service_types import lb_addresses, type_findings

EXTERNAL_TYPES = ("NodePort", "LoadBalancer")


def entry_hop(snapshot, route: ExternalRoute, protocol: str, scheme: str | None) -> Hop:
    if route.via == "ingress":
        return _ingress_entry(snapshot, route, scheme)
    return _service_entry(snapshot, route, protocol)


def _ingress_entry(snapshot, route: ExternalRoute, scheme: str | None) -> Hop:
    ingress, https = route.ingress, scheme == "https"
    backend = f"{objects.ref(route.service)}:{route.port}" if route.service else f"{route.backend}:{route.port} (missing)"
    facts = {"via": "Ingress", "ingress": objects.ref(ingress), "class": objects.spec(ingress).get("ingressClassName"),
             "host": route.host or "<any>", "address": ingress_addresses(ingress) or "<none>", "backend": backend}
    if https:
        facts["tls"] = _tls_secret(ingress, route.host) or "<none: the controller's default certificate>"
    if route.controller is not None:
        facts["controller"] = objects.ref(route.controller)
    hop = Hop("entry", facts=facts)
    if route.service is None:
        hop.fail(_backend_missing(ingress, route.backend))
    else:
        hop.judge(route_findings(snapshot, route.service, ingress, route.host, https))
    if https and _tls_secret(ingress, route.host) is None:
        hop.fail(_no_tls(ingress, route.host))
    return hop


def _service_entry(snapshot, route: ExternalRoute, protocol: str) -> Hop:
    service = route.service
    kind = service_type(service)
    facts: dict = {"via": "Service", "service": objects.ref(service), "type": kind}
    if route.host:
        facts["host"] = route.host
    svc_port = service_port(service, route.port, protocol) if kind in EXTERNAL_TYPES else None
    if svc_port is not None:
        facts["nodePort"] = svc_port.get("nodePort")
        facts["nodeAddresses"] = node_addresses(snapshot)
        facts["externalTrafficPolicy"] = objects.spec(service).get("externalTrafficPolicy") or "Cluster"
    if kind == "LoadBalancer":
        facts["loadBalancer"] = lb_addresses(service) or "<pending>"
    hop = Hop("entry", facts=facts)
    found = type_findings(snapshot, service, service_endpoints(snapshot, service))
    hop.judge([f for f in found if f.severity != "info" or f.code == "etp-local-no-endpoints"])  # it explains drops
    hop.judge(service_externaldns(service))
    if route.no_rule:
        hop.fail(_no_rule(service, route.host))
    if kind not in EXTERNAL_TYPES:
        hop.fail(_not_exposed(service, route.host))
    return hop


def _tls_secret(ingress: dict, host: str | None) -> str | None:
    for tls in objects.spec(ingress).get("tls") or []:
        if not tls.get("hosts") or host in [h.lower() for h in tls["hosts"]]:
            return tls.get("secretName") or "<the controller's default certificate>"
    return None


def _backend_missing(ingress: dict, backend: str) -> Finding:
    return Finding("ingress-backend-missing", "error",
                   f"Ingress {objects.ref(ingress)} sends this traffic to Service {backend}, which does not exist: "
                   "the controller answers 503", {"ingress": objects.ref(ingress), "backend service": backend},
                   "create the Service, or point the rule's backend.service.name at an existing one",
                   f"Ingress {objects.ref(ingress)}")


def _no_tls(ingress: dict, host: str | None) -> Finding:
    return Finding("ingress-no-tls-for-host", "error",
                   f"Ingress {objects.ref(ingress)} has no TLS section for {host or 'this host'}: on https the "
                   "controller serves its default certificate, which browsers reject",
                   {"host": host or "<any>", "spec.tls": [t.get("hosts") for t in objects.spec(ingress).get("tls") or []]
                    or "<none>"},
                   f"add spec.tls with hosts [{host}] and a kubernetes.io/tls Secret (e.g. from cert-manager), "
                   "or use http://", f"Ingress {objects.ref(ingress)}")


def _no_rule(service: dict, host: str | None) -> Finding:
    host = host or "this address"
    return Finding("ingress-no-rule-for-host", "error",
                   f"{host} reaches the ingress controller's {subject(service)}, but no Ingress rule serves that "
                   "host: the controller answers from its default backend (HTTP 404)",
                   {"host": host, "controller": objects.ref(service), "addresses": lb_addresses(service)},
                   f"add an Ingress rule for host {host} (spec.rules[].host), or stop publishing the name "
                   "(external-dns hostname annotation, DNS record)", subject(service))


def _not_exposed(service: dict, host: str | None) -> Finding:
    what = f"no Ingress routes {host} to it" if host else "no Ingress routes to it"
    return Finding("service-not-exposed", "error",
                   f"{subject(service)} is type {service_type(service)} and {what}: it is reachable only inside the cluster",
                   {"type": service_type(service), "host": host} if host else {"type": service_type(service)},
                   "use type NodePort or LoadBalancer, or add an Ingress rule with this Service as backend",
                   subject(service))
