"""Ingress checks for every Ingress that routes to the Service, and ExternalDNS hostnames.

Status-based checks (no address yet) run only on live snapshots: files carry no status.
"""
from ..model import objects
from ..model.snapshot import Snapshot
from ..model.findings import Finding
from .service import is_headless, service_type, subject
from .service_types import lb_addresses

DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DNS_HOSTNAME = "external-dns.alpha.kubernetes.io/hostname"
DNS_TARGET = "external-dns.alpha.kubernetes.io/target"


def routing_ingresses(snapshot: Snapshot, service: dict) -> list[tuple[dict, list[dict]]]:
    """(ingress, [backend service refs naming this Service]) for each Ingress routing here."""
    name = objects.name(service)
    found = []
    for ingress in snapshot.in_namespace("Ingress", objects.namespace(service)):
        backends = [b for b in _backends(ingress) if b.get("name") == name]
        if backends:
            found.append((ingress, backends))
    return found


def ingress_findings(snapshot: Snapshot, service: dict) -> list[Finding]:
    found = []
    for ingress, backends in routing_ingresses(snapshot, service):
        found += _backend_ports(service, ingress, backends)
        found += _ingress_class(snapshot, ingress)
        found += _tls_secrets(snapshot, ingress)
        if snapshot.origin == "live":
            found += _no_address(ingress)
            found += _externaldns(ingress, f"Ingress {objects.ref(ingress)}", ingress_addresses(ingress))
    if snapshot.origin == "live" or service_type(service) == "ClusterIP":
        found += service_externaldns(service)
    return found


def route_findings(snapshot: Snapshot, service: dict, ingress: dict, host: str | None, tls: bool) -> list[Finding]:
    """One Ingress as one external path uses it: its TLS matters only for https, and only for that host."""
    backends = [b for b in _backends(ingress) if b.get("name") == objects.name(service)]
    found = _backend_ports(service, ingress, backends) + _ingress_class(snapshot, ingress)
    found += _tls_secrets(snapshot, ingress, host) if tls else []
    if snapshot.origin == "live":
        found += _no_address(ingress)
        found += _externaldns(ingress, f"Ingress {objects.ref(ingress)}", ingress_addresses(ingress))
    return found


def _backends(ingress: dict) -> list[dict]:
    spec = objects.spec(ingress)
    backends = [((spec.get("defaultBackend") or {}).get("service"))]
    for rule in spec.get("rules") or []:
        backends += [(p.get("backend") or {}).get("service") for p in (rule.get("http") or {}).get("paths") or []]
    return [b for b in backends if b]


def _backend_ports(service: dict, ingress: dict, backends: list[dict]) -> list[Finding]:
    ports = objects.spec(service).get("ports") or []
    numbers, names = {p.get("port") for p in ports}, {p.get("name") for p in ports if p.get("name")}
    found = []
    for backend in backends:
        port = backend.get("port") or {}
        wanted = port.get("number") if port.get("number") is not None else port.get("name")
        if wanted in numbers or wanted in names:
            continue
        have = ", ".join(f"{p.get('port')}{'/' + p['name'] if p.get('name') else ''}" for p in ports) or "none"
        found.append(Finding("ingress-backend-port-missing", "error",
                             f"Ingress {objects.ref(ingress)} sends traffic to {subject(service)} port {wanted}, "
                             "which the Service does not have",
                             {"ingress": objects.ref(ingress), "backend port": wanted, "service ports": have},
                             "set the Ingress backend port to one of the Service's port numbers or names",
                             f"Ingress {objects.ref(ingress)}"))
    return found


def _ingress_class(snapshot: Snapshot, ingress: dict) -> list[Finding]:
    if not snapshot.complete("IngressClass") or objects.annotations(ingress).get(CLASS_ANNOTATION):
        return []
    named = objects.spec(ingress).get("ingressClassName")
    classes = snapshot.of("IngressClass")
    if named and snapshot.get("IngressClass", None, named) is None:
        problem, evidence = f"names IngressClass {named}, which does not exist", {"ingressClassName": named}
    elif not named and not any(objects.annotations(c).get(DEFAULT_CLASS) == "true" for c in classes):
        problem, evidence = "names no IngressClass and the cluster has no default class", {"ingressClassName": "<none>"}
    else:
        return []
    evidence["IngressClasses"] = [objects.name(c) for c in classes] or ["<none>"]
    return [Finding("ingress-class-missing", "error", f"Ingress {objects.ref(ingress)} {problem}: no controller "
                    "will serve it", evidence,
                    "set spec.ingressClassName to an existing IngressClass (kubectl get ingressclass), or mark "
                    f"one as default ({DEFAULT_CLASS}: \"true\")", f"Ingress {objects.ref(ingress)}")]


def _tls_secrets(snapshot: Snapshot, ingress: dict, host: str | None = None) -> list[Finding]:
    if not snapshot.complete("Secret") or (snapshot.origin == "files" and not snapshot.of("Secret")):
        return []
    ns = objects.namespace(ingress)
    found = []
    for tls in objects.spec(ingress).get("tls") or []:
        if host and tls.get("hosts") and host not in [h.lower() for h in tls["hosts"]]:
            continue
        secret = tls.get("secretName")
        if secret and snapshot.get("Secret", ns, secret) is None:
            found.append(Finding("ingress-tls-secret-missing", "error",
                                 f"Ingress {objects.ref(ingress)} uses TLS Secret {ns}/{secret}, which does not exist",
                                 {"secretName": secret, "hosts": tls.get("hosts") or ["<all>"]},
                                 f"create the kubernetes.io/tls Secret {secret} in {ns} (or fix secretName); "
                                 "until then the controller serves its default certificate",
                                 f"Ingress {objects.ref(ingress)}"))
    return found


def ingress_addresses(ingress: dict) -> list[str]:
    entries = (objects.status(ingress).get("loadBalancer") or {}).get("ingress") or []
    return [e.get("ip") or e.get("hostname") for e in entries if e.get("ip") or e.get("hostname")]


def _no_address(ingress: dict) -> list[Finding]:
    if ingress_addresses(ingress):
        return []
    return [Finding("ingress-no-address", "warning",
                    f"Ingress {objects.ref(ingress)} has no address: no ingress controller has admitted it yet",
                    {"ingress": objects.ref(ingress), "status.loadBalancer.ingress": "<none>",
                     "ingressClassName": objects.spec(ingress).get("ingressClassName", "<none>")},
                    "check that the ingress controller for its class runs, and read its logs for this Ingress",
                    f"Ingress {objects.ref(ingress)}")]


def service_externaldns(service: dict) -> list[Finding]:
    if service_type(service) in ("ExternalName",) or is_headless(service):
        return []
    addresses = lb_addresses(service) if service_type(service) == "LoadBalancer" else []
    return _externaldns(service, subject(service), addresses)


def _externaldns(obj: dict, who: str, addresses: list[str]) -> list[Finding]:
    notes = objects.annotations(obj)
    hostname = notes.get(DNS_HOSTNAME)
    if not hostname or addresses or notes.get(DNS_TARGET):
        return []
    return [Finding("externaldns-no-target", "warning",
                    f"{who} asks ExternalDNS for {hostname} but has no address to publish", {DNS_HOSTNAME: hostname,
                    "addresses": "<none>", "kind": obj.get("kind", "")},
                    "give it an address (a LoadBalancer/Ingress that gets one), or set "
                    f"{DNS_TARGET}; ExternalDNS skips ClusterIP Services unless --publish-internal-services",
                    who)]
