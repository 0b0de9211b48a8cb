"""The way in for SRC `external`: what a URL, host name or address reaches from outside. Pure.

A host is served by an Ingress rule (host and path, `*.` wildcards for one label), else by a Service
that publishes it (ExternalDNS `hostname` annotation, or a LoadBalancer hostname); an address is a
LoadBalancer IP, a node address (with its nodePort) or an Ingress address. A host that reaches an
ingress controller's own Service but no Ingress rule is answered by the controller's default backend.
"""
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import objects
from ..model.gaps import require
from .ingress import DNS_HOSTNAME, DNS_TARGET, ingress_addresses
from .path_lookup import find_service
from .service import service_type
from .service_types import lb_addresses
from .target import Target


@dataclass
class ExternalRoute:
    via: str  # "ingress" (an Ingress rule) | "service" (NodePort/LoadBalancer/published Service)
    service: dict | None  # the Service the path goes on to (None: an Ingress backend that does not exist)
    port: int | str | None  # that Service's port (the rule's backend port, or the one the client uses)
    host: str | None = None  # the DNS name the client uses (None for an address)
    ingress: dict | None = None
    controller: dict | None = None  # the Service that owns the Ingress's address (the controller's), if known
    no_rule: bool = False  # a host on an ingress controller's Service that no Ingress rule serves
    published: list[str] = field(default_factory=list)  # addresses the cluster says the host should resolve to
    backend: str | None = None  # "ns/name" of the Ingress rule's backend Service


def route(snapshot, target: Target, namespace: str) -> ExternalRoute:
    if target.form == "service":
        service = find_service(snapshot, target.namespace or namespace, target.name)
        return ExternalRoute("service", service, target.port, published=_service_addresses(snapshot, service))
    host = target.name.lower() if target.form == "dns" else None
    rank, *rule = _ingress_rule(snapshot, target, host) or (None,)
    if rank == 0:  # a rule for exactly this host
        return _via_ingress(snapshot, *rule, host)
    found = _by_name(snapshot, host, target.port) if host else _by_address(snapshot, target)
    if rule and (found is None or found.no_rule):  # the controller serves it by a wildcard or any-host rule
        return _via_ingress(snapshot, *rule, host)
    if found is not None:  # a name or address another Service publishes beats those rules
        return found
    what = "host" if host else "address"
    for kind in ("Ingress", "Service") if host else ("Ingress", "Service", "Node"):  # hidden is not absent
        require(snapshot.gaps, kind, None, f"cannot tell what serves {target.raw}")
    raise InputError(f"external to {target.raw!r}: nothing in the cluster serves that {what} (no Ingress rule, no "
                     f"Service with {DNS_HOSTNAME}, LoadBalancer address or node port); use DST svc/NAME[:PORT]")


def _via_ingress(snapshot, ingress: dict, backend: dict, host: str | None) -> ExternalRoute:
    """The rule's backend Service; None when it does not exist (the entry hop says so, the controller
    answers 503), unless RBAC hid it (then the answer cannot be given)."""
    namespace, name = objects.namespace(ingress), backend.get("name", "")
    service = snapshot.get("Service", namespace, name)
    if service is None:
        require(snapshot.gaps, "Service", namespace, f"cannot check Service {namespace}/{name}")
    port = backend.get("port") or {}
    controller = controller_service(snapshot, ingress)
    return ExternalRoute("ingress", service, port.get("number") or port.get("name"), host, ingress, controller,
                         published=ingress_addresses(ingress), backend=f"{namespace}/{name}")


def _ingress_rule(snapshot, target: Target, host: str | None) -> tuple[int, dict, dict] | None:
    """(rank, Ingress, backend) of the first rule whose host (exact 0, wildcard 1, any 2) and path fit;
    else an Ingress's spec.defaultBackend (3)."""
    path = (target.path or "/").split("?", 1)[0]
    ranked = []
    for ingress in snapshot.of("Ingress"):
        for rule in objects.spec(ingress).get("rules") or []:
            rank = host_rank(rule.get("host"), host)
            for item in (rule.get("http") or {}).get("paths") or []:
                backend = (item.get("backend") or {}).get("service")
                if rank is not None and backend and _path_fits(item, path):
                    ranked.append((rank, -len(item.get("path") or "/"), ingress, backend))
        default = (objects.spec(ingress).get("defaultBackend") or {}).get("service")
        if default:  # the controller sends what no rule matches here
            ranked.append((3, 0, ingress, default))
    ranked.sort(key=lambda r: r[:2])
    return (ranked[0][0], ranked[0][2], ranked[0][3]) if ranked else None


def host_rank(rule_host: str | None, host: str | None) -> int | None:
    """0 exact, 1 wildcard (`*.example.com` covers exactly one more label), 2 a rule for any host."""
    if not rule_host:
        return 2
    if host is None:
        return None
    rule_host = rule_host.lower()
    if rule_host == host:
        return 0
    if rule_host.startswith("*.") and host.count(".") == rule_host.count(".") and host.endswith(rule_host[1:]):
        return 1
    return None


def _path_fits(item: dict, path: str) -> bool:
    wanted = item.get("path") or "/"
    if item.get("pathType") == "Exact":
        return path == wanted
    prefix = wanted.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _by_name(snapshot, host: str, port) -> ExternalRoute | None:
    for service in snapshot.of("Service"):
        names = [n.strip().rstrip(".").lower() for n in objects.annotations(service).get(DNS_HOSTNAME, "").split(",")]
        if host in names or host in [a.lower() for a in lb_addresses(service)]:
            return _published(snapshot, service, host, port)
    return None


def _by_address(snapshot, target: Target) -> ExternalRoute | None:
    for service in snapshot.of("Service"):
        if target.name in lb_addresses(service):
            return _published(snapshot, service, None, target.port)
        node_port = _node_port(service, target.port)
        if node_port and target.name in {a["address"] for a in node_addresses(snapshot)}:
            return ExternalRoute("service", service, node_port.get("port"), published=[target.name])
    return None


def _published(snapshot, service: dict, host: str | None, port=None) -> ExternalRoute:
    """A Service reached by its published name or address; an ingress controller's own Service
    serves a host only through Ingress rules."""
    controller_of = [i for i in snapshot.of("Ingress") if controller_service(snapshot, i) is service]
    node_port = _node_port(service, port)
    port = node_port.get("port") if node_port and not any(p.get("port") == port for p in _ports(service)) else port
    return ExternalRoute("service", service, port, host, no_rule=bool(controller_of),
                         published=_service_addresses(snapshot, service))


def _node_port(service: dict, port) -> dict | None:
    return next((p for p in _ports(service) if port and p.get("nodePort") == port), None)


def _ports(service: dict) -> list[dict]:
    return objects.spec(service).get("ports") or []


def controller_service(snapshot, ingress: dict) -> dict | None:
    """The LoadBalancer/NodePort Service whose address the Ingress shows (ingress-nginx's
    --publish-service makes them equal): the controller's way in."""
    addresses = set(ingress_addresses(ingress))
    if not addresses:
        return None
    return next((s for s in snapshot.of("Service") if addresses & set(lb_addresses(s))), None)


def controller_pod(snapshot, service_ref: str | None) -> dict | None:
    """A pod behind the ingress controller's Service (a ready one first): the client of the backends."""
    namespace, _, name = (service_ref or "").partition("/")
    service = snapshot.get("Service", namespace, name) if name else None
    selector = objects.spec(service).get("selector") if service else None
    if not selector:
        return None
    pods = [p for p in snapshot.in_namespace("Pod", namespace)
            if all(objects.labels(p).get(k) == v for k, v in selector.items())]
    return next((p for p in pods if objects.pod_ready(p)), pods[0] if pods else None)


def node_addresses(snapshot) -> list[dict]:
    """What outsiders reach on the nodes: ExternalIPs when any node has one, else InternalIPs."""
    found = [{"node": objects.name(n), "type": a.get("type"), "address": a.get("address")}
             for n in snapshot.of("Node") for a in objects.status(n).get("addresses") or []
             if a.get("type") in ("InternalIP", "ExternalIP")]
    kind = "ExternalIP" if any(a["type"] == "ExternalIP" for a in found) else "InternalIP"
    return [a for a in found if a["type"] == kind]


def _service_addresses(snapshot, service: dict) -> list[str]:
    """Where a published name should point: the target annotation, the LB address, else the nodes."""
    target = objects.annotations(service).get(DNS_TARGET)
    if target:
        return [t.strip() for t in target.split(",") if t.strip()]
    if service_type(service) == "LoadBalancer":
        return lb_addresses(service)
    return [a["address"] for a in node_addresses(snapshot)] if service_type(service) == "NodePort" else []
