"""Ingress paths: may each Ingress's controller pods reach the backend pods of every path it routes?

For each rule path (and default backend): the Service, its port, the target port on each backend
pod, and the policy verdict from each distinct controller pod to each backend pod. Pure.
"""
from ..model import objects
from ..model.snapshot import Snapshot
from ..policy.engine import Endpoint, PolicyEngine
from ..policy.ports import ALL
from .ingress_controllers import all_controllers, controllers_for, ingress_class
from .service import selected_pods
from .service_ports import resolve_target_port


def ingress_paths(snapshot: Snapshot, engine: PolicyEngine, controller_override: str | None = None,
                  ingresses: list[dict] | None = None) -> list[dict]:
    """One dict per Ingress path, in Ingress then rule order (JSON-able)."""
    found = []
    for ingress in sorted(snapshot.of("Ingress") if ingresses is None else ingresses, key=objects.ref):
        controllers = controllers_for(snapshot, ingress, controller_override)
        header = {"ingress": objects.ref(ingress), "class": ingress_class(snapshot, ingress)[0],
                  "controllers": [objects.ref(p) for p in controllers.pods], "controllerSource": controllers.source}
        for host, path, path_type, backend in _entries(ingress):
            entry = {**header, "host": host, "path": path, "pathType": path_type}
            found.append(_path(snapshot, engine, ingress, backend, controllers, entry))
    return found


def _entries(ingress: dict):
    """(host, path, pathType, backend) for each rule path, then the default backend."""
    spec = objects.spec(ingress)
    for rule in spec.get("rules") or []:
        for item in (rule.get("http") or {}).get("paths") or []:
            yield rule.get("host") or "*", item.get("path") or "/", item.get("pathType"), item.get("backend") or {}
    if spec.get("defaultBackend"):
        yield "*", None, None, spec["defaultBackend"]


def _path(snapshot, engine, ingress, backend, controllers, entry: dict) -> dict:
    service_ref = backend.get("service") or {}
    wanted = (service_ref.get("port") or {}).get("number") or (service_ref.get("port") or {}).get("name")
    namespace = objects.namespace(ingress)
    entry.update(service=f"{namespace}/{service_ref['name']}" if service_ref.get("name") else None,
                 servicePort=wanted, backends=[], notes=list(controllers.notes))
    service, port, problem = _service_port(snapshot, namespace, backend, wanted)
    if problem:
        entry["notes"].append(problem)
    else:
        entry["backends"] = _backends(engine, service, port, selected_pods(snapshot, service), controllers, entry)
    entry["status"] = _status(entry["backends"])
    return entry


def _service_port(snapshot, namespace: str, backend: dict, wanted):
    """(Service, its port dict, None) or (..., a note saying why the path cannot be checked)."""
    if backend.get("resource"):
        return None, None, "the backend is a resource, not a Service: not checked"
    name = (backend.get("service") or {}).get("name")
    service = snapshot.get("Service", namespace, name) if name else None
    if service is None:
        return None, None, f"Service {namespace}/{name} not found"
    ports = objects.spec(service).get("ports") or []
    port = next((p for p in ports if wanted is not None and wanted in (p.get("port"), p.get("name"))), None)
    if port is None:
        return service, None, f"Service {namespace}/{name} has no port {wanted}"
    if not objects.spec(service).get("selector"):
        return service, port, f"Service {namespace}/{name} has no selector: its backends are not pods we can see"
    return service, port, None


def _backends(engine, service: dict, port: dict, pods: list[dict], controllers, entry: dict) -> list[dict]:
    if not pods:
        entry["notes"].append(f"Service {objects.ref(service)} selects no pods")
    protocol = port.get("protocol", "TCP")
    rows = []
    for pod in sorted(pods, key=objects.ref):
        number = resolve_target_port(port, pod)
        row = {"pod": objects.ref(pod), "port": number, "protocol": protocol, "checks": []}
        if number is None:
            entry["notes"].append(f"{objects.ref(pod)} has no container port named {port.get('targetPort')}")
        else:
            row["checks"] = [check(engine, c, pod, number, protocol) for c in distinct(controllers.pods)]
        row["allowed"] = all(c["allowed"] for c in row["checks"]) if row["checks"] else None
        rows.append(row)
    return rows


def check(engine: PolicyEngine, controller: dict, backend: dict, port: int, protocol: str) -> dict:
    """The verdict from one controller pod to one backend pod, with the rules that decide it."""
    verdict = engine.check(Endpoint.for_pod(controller), Endpoint.for_pod(backend), port, protocol)
    denying = next((side for side in (verdict.ingress, verdict.egress) if not side.allowed), None)
    return {"from": objects.ref(controller), "allowed": verdict.allowed,
            "deniedBy": denying.direction if denying else None,
            "policies": list(denying.policies) if denying else [],
            "rules": [r.to_dict() for r in verdict.egress.rules + verdict.ingress.rules],
            "cniDefined": verdict.egress.cni_defined or verdict.ingress.cni_defined}


def distinct(pods) -> list[dict]:
    """One pod per (namespace, labels, hostNetwork): the policies cannot tell the others apart."""
    seen: dict = {}
    for pod in pods:
        key = (objects.namespace(pod), tuple(sorted(objects.labels(pod).items())), objects.host_network(pod))
        seen.setdefault(key, pod)
    return list(seen.values())


def _status(backends: list[dict]) -> str:
    answers = {b["allowed"] for b in backends} - {None}
    if not answers:
        return "unknown"
    return "allowed" if answers == {True} else "blocked" if answers == {False} else "partly-blocked"


def blocked(paths: list[dict]) -> bool:
    return any(p["status"] in ("blocked", "partly-blocked") for p in paths)


def controller_row(engine: PolicyEngine, grid, controllers) -> list:
    """What every controller pod may open toward each pod of a matrix (ConnectionSets by position):
    the intersection over the distinct controller pods; a controller always reaches itself."""
    sources = [(c, Endpoint.for_pod(c)) for c in distinct(controllers)]
    by_class = [_every(engine, sources, pod_class.endpoint, None) for pod_class in grid.classes]
    row = [by_class[index] for index in grid.class_of]
    every = [(c, Endpoint.for_pod(c)) for c in controllers]  # toward a controller: each other one counts
    refs = {objects.ref(c) for c in controllers}
    for position, pod in enumerate(grid.pods):
        if objects.ref(pod) in refs:
            row[position] = _every(engine, every, Endpoint.for_pod(pod), objects.ref(pod))
    return row


def _every(engine: PolicyEngine, sources: list, destination: Endpoint, itself: str | None):
    found = None
    for pod, source in sources:
        if objects.ref(pod) == itself:
            continue
        connections = engine.allowed_connections(source, destination, distinct=True)
        found = connections if found is None else found & connections
    return found if found is not None else ALL


def pseudo_rows(snapshot: Snapshot, engine: PolicyEngine, grid) -> list[tuple[str, list]]:
    """The matrix's extra source row "ingress-controller", when the cluster has controller pods."""
    controllers = all_controllers(snapshot).pods
    return [("ingress-controller", controller_row(engine, grid, controllers))] if controllers else []
