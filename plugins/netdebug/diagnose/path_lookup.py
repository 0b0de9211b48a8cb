"""Lookups the walk needs: Services by name or IP, ports on pods, probe targets.

Pure functions over a Snapshot.
"""
from ..errors import InputError, NotFoundError
from ..model import objects
from ..model.gaps import require
from . import service as service_checks


def service_target(service: dict, svc_port: dict) -> dict:
    found = {"service": objects.ref(service), "ip": objects.spec(service).get("clusterIP"), "port": svc_port.get("port")}
    if service_checks.is_headless(service):
        found["ip"] = None
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
