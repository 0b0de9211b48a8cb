"""Lookups the walk needs: Services by name or IP, ports on pods, Ingress rules by host, probe targets.

Pure functions over a Snapshot.
"""
from ..errors import InputError, NotFoundError
from ..model import objects
from ..model.gaps import require
from . import service as service_checks
from .hop_entry import node_addresses
from .service_types import lb_addresses
from .target import Target


def ingress_for_host(snapshot, target: Target) -> tuple[dict, dict]:
    """An outside name or URL: the Ingress rule for that host (and path), and its Service backend."""
    for ingress in snapshot.of("Ingress"):
        for rule in objects.spec(ingress).get("rules") or []:
            if rule.get("host") not in (None, target.name):
                continue
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                if backend and (target.path or "/").startswith(path.get("path") or "/"):
                    return ingress, backend
    raise InputError(f"external to {target.raw!r}: no Ingress rule matches that host; "
                     "use DST svc/NAME[:PORT] for a NodePort or LoadBalancer Service")


def service_target(snapshot, service: dict, svc_port: dict, entry: bool) -> dict:
    spec = objects.spec(service)
    found = {"service": objects.ref(service), "ip": spec.get("clusterIP"), "port": svc_port.get("port")}
    if service_checks.is_headless(service):
        found["ip"] = None
    if entry:
        found["entry"] = entry_addresses(snapshot, service, svc_port)
    return found


def entry_addresses(snapshot, service: dict, svc_port: dict) -> list[dict]:
    """Where traffic from outside comes in: the load balancer on the port, each node on the nodePort."""
    found = [{"address": a, "port": svc_port.get("port"), "via": "loadBalancer"} for a in lb_addresses(service)]
    if svc_port.get("nodePort"):
        nodes = node_addresses(snapshot)
        kind = "ExternalIP" if any(a["type"] == "ExternalIP" for a in nodes) else "InternalIP"  # what outsiders reach
        found += [{"address": a["address"], "port": svc_port["nodePort"], "via": f"node {a['node']} {kind}"}
                  for a in nodes if a["type"] == kind]
    return found


def pod_port(pod: dict, wanted: int | str | None, protocol: str, container: str | None = None) -> int | None:
    """A port number on a pod: the number given, a named container port, or the only declared one."""
    declared = [(c.get("name"), p) for c in objects.pod_containers(pod) for p in c.get("ports") or []
                if (p.get("protocol") or "TCP") == protocol and (container is None or c.get("name") == container)]
    if isinstance(wanted, int) or (isinstance(wanted, str) and wanted.isdigit()):
        return int(wanted)
    if wanted is not None:
        return next((p.get("containerPort") for _, p in declared if p.get("name") == wanted), None)
    numbers = sorted({p.get("containerPort") for _, p in declared})
    if len(numbers) != 1:
        have = ", ".join(str(n) for n in numbers) or "none"
        raise InputError(f"pod {objects.ref(pod)} declares {protocol} ports {have}: give the port with --port")
    return numbers[0]


def find_service(snapshot, namespace: str, name: str) -> dict:
    service = snapshot.get("Service", namespace, name)
    if service is None:
        require(snapshot.gaps, "Service", namespace, f"cannot check Service {namespace}/{name}")
        finding = service_checks.not_found(snapshot, namespace, name)
        raise NotFoundError(f"{finding.message} ({finding.fix})")
    return service


def service_by_ip(snapshot, ip: str) -> dict | None:
    for service in snapshot.of("Service"):
        spec = objects.spec(service)
        if ip in (spec.get("clusterIPs") or [spec.get("clusterIP")]):
            return service
    return None


def dns_host(target: Target) -> str | None:
    return target.name if target.form == "dns" else None
