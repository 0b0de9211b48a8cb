"""The entry hop for traffic from outside the cluster: NodePort, LoadBalancer, Ingress -> Service.

The checks themselves are svcdebug's (service_types, ingress); this hop gathers the facts of the
way in and judges them.
"""
from ..model import objects
from .endpoints import service_endpoints
from ..model.findings import Finding
from .hops import Hop
from .ingress import ingress_findings, routing_ingresses
from .service import service_type, subject
from .service_types import lb_addresses, type_findings

EXTERNAL_TYPES = ("NodePort", "LoadBalancer")


def node_addresses(snapshot) -> list[dict]:
    return [{"node": objects.name(n), "type": a.get("type"), "address": a.get("address")}
            for n in snapshot.of("Node") for a in objects.status(n).get("addresses") or []
            if a.get("type") in ("InternalIP", "ExternalIP")]


def entry_hop(snapshot, service: dict, svc_port: dict | None, host: str | None = None) -> Hop:
    kind = service_type(service)
    routes = [_route(ing, host) for ing, _ in routing_ingresses(snapshot, service)]
    routes = [r for r in routes if r is not None]
    facts: dict = {"type": kind, "ingresses": routes}
    if kind in EXTERNAL_TYPES and svc_port is not None:
        facts["nodePort"] = svc_port.get("nodePort")
        facts["nodeAddresses"] = node_addresses(snapshot)
    if kind == "LoadBalancer":
        facts["loadBalancer"] = lb_addresses(service) or "<pending>"
    hop = Hop("entry", facts=facts)
    view = service_endpoints(snapshot, service)
    hop.judge([f for f in type_findings(snapshot, service, view) if f.severity != "info"])
    chosen = {f"Ingress {r['ingress']}" for r in routes}
    hop.judge([f for f in ingress_findings(snapshot, service) if not f.subject.startswith("Ingress ") or f.subject in chosen])
    if kind not in EXTERNAL_TYPES and not routes:
        hop.fail(_not_exposed(service, host))
    return hop


def _route(ingress: dict, host: str | None) -> dict | None:
    spec = objects.spec(ingress)
    hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
    if host and hosts and host not in hosts:
        return None
    return {"ingress": objects.ref(ingress), "class": spec.get("ingressClassName"), "hosts": hosts,
            "tls": [t.get("secretName") for t in spec.get("tls") or [] if t.get("secretName")],
            "address": ingress_addresses(ingress)}


def ingress_addresses(ingress: dict) -> list[str]:
    entries = (objects.status(ingress).get("loadBalancer") or {}).get("ingress") or []
    return [e.get("ip") or e.get("hostname") for e in entries if e.get("ip") or e.get("hostname")]


def _not_exposed(service: dict, host: str | None) -> Finding:
    what = f"no Ingress routes {host} to it" if host else "no Ingress routes to it"
    return Finding("service-not-exposed", "error",
                   f"{subject(service)} is type {service_type(service)} and {what}: it is reachable only inside the cluster",
                   {"type": service_type(service), "host": host} if host else {"type": service_type(service)},
                   "use type NodePort or LoadBalancer, or add an Ingress rule with this Service as backend",
                   subject(service))
