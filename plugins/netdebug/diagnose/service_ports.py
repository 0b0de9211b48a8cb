"""Port checks: does each Service port's targetPort land on a port the backend pods declare?

`resolve_target_port` is shared with the probes and netpath: it turns a Service port into the
container port number on one pod (or says why it cannot).
"""
from ..errors import InputError
from ..model import objects
from ..model.findings import Finding
from .service import selected_pods, service_type, subject


def service_ports(service: dict) -> list[dict]:
    return objects.spec(service).get("ports") or []


def port_label(port: dict) -> str:
    name = f" ({port['name']})" if port.get("name") else ""
    return f"{port.get('port')}/{port.get('protocol', 'TCP')}{name}"


def select_ports(service: dict, wanted: str | None) -> list[dict]:
    """The Service ports to check: all, or the one named/numbered by --port."""
    ports = service_ports(service)
    if wanted is None:
        return ports
    chosen = [p for p in ports if str(p.get("port")) == str(wanted) or p.get("name") == wanted]
    if not chosen:
        have = ", ".join(port_label(p) for p in ports) or "none"
        raise InputError(f"{subject(service)} has no port {wanted} (ports: {have})")
    return chosen


def target_port(port: dict):
    """The targetPort as written (int or str); defaults to the port number."""
    value = port.get("targetPort")
    return port.get("port") if value in (None, "", 0) else value


def resolve_target_port(port: dict, pod: dict) -> int | None:
    """The container port number this Service port reaches on this pod, or None."""
    target = target_port(port)
    if isinstance(target, int):
        return target
    protocol = port.get("protocol", "TCP")
    for declared in _declared(pod):
        if declared.get("name") == target and declared.get("protocol", "TCP") == protocol:
            return declared.get("containerPort")
    return None


def port_findings(service: dict, ports: list[dict], snapshot) -> list[Finding]:
    if service_type(service) == "ExternalName":
        return []
    pods = _distinct_pod_specs(selected_pods(snapshot, service))
    found = []
    for port in ports:
        target = target_port(port)
        if isinstance(target, str) and target.isdigit():
            found.append(_string_number(service, port, target))
        elif pods:
            found += _check_against_pods(service, port, target, pods)
    return found


def _check_against_pods(service: dict, port: dict, target, pods: list[dict]) -> list[Finding]:
    protocol = port.get("protocol", "TCP")
    key = "name" if isinstance(target, str) else "containerPort"
    same = {objects.ref(p): [d for d in _declared(p) if d.get(key) == target] for p in pods}
    missing = [ref for ref, hits in same.items() if not hits]
    wrong_protocol = [ref for ref, hits in same.items()
                      if hits and all(d.get("protocol", "TCP") != protocol for d in hits)]
    found = []
    if wrong_protocol:
        found.append(_protocol_mismatch(service, port, target, wrong_protocol, same))
    if missing:
        make = _unresolved if key == "name" else _not_exposed
        found.append(make(service, port, target, missing, pods))
    return found


def _string_number(service: dict, port: dict, target: str) -> Finding:
    return Finding("target-port-string-number", "error",
                   f"{subject(service)} port {port_label(port)} has targetPort \"{target}\" as a string: "
                   "that is a port name, not the number", {"port": port_label(port), "targetPort": repr(target)},
                   f"write targetPort: {target} without quotes (a number), or use a real port name",
                   subject(service))


def _protocol_mismatch(service, port, target, refs, same) -> Finding:
    declared = {ref: [_declared_label(d) for d in same[ref]] for ref in refs}
    return Finding("port-protocol-mismatch", "error",
                   f"{subject(service)} port {port_label(port)} targets {target} over {port.get('protocol', 'TCP')}, "
                   "but the pods declare it with another protocol",
                   {"port": port_label(port), "targetPort": target, "declared on pods": declared},
                   "make the Service port protocol match the container port protocol", subject(service))


def _unresolved(service, port, target, refs, pods) -> Finding:
    severity = "error" if len(refs) == len(pods) else "warning"
    return Finding("named-port-unresolved", severity,
                   f"{subject(service)} port {port_label(port)} targets the port name {target!r}, "
                   f"which {len(refs)} of {len(pods)} backend pod spec(s) do not declare",
                   {"port": port_label(port), "targetPort": target, "pods": refs[:10],
                    "declared ports": _declared_by_pod(pods, refs)},
                   f"name a container port {target!r} (protocol {port.get('protocol', 'TCP')}) in the pod template, "
                   "or point targetPort at a declared name/number", subject(service))


def _not_exposed(service, port, target, refs, pods) -> Finding:
    return Finding("target-port-not-exposed", "warning",
                   f"{subject(service)} port {port_label(port)} targets port {target}, which no container of "
                   f"{len(refs)} backend pod spec(s) declares (the app may still listen on it)",
                   {"port": port_label(port), "targetPort": target, "pods": refs[:10],
                    "declared ports": _declared_by_pod(pods, refs)},
                   f"declare containerPort {target} in the pod template, or set targetPort to the port the app "
                   "listens on", subject(service))


def _declared(pod: dict) -> list[dict]:
    return [d for c in objects.pod_containers(pod) for d in c.get("ports") or []]


def _declared_label(declared: dict) -> str:
    name = f" ({declared['name']})" if declared.get("name") else ""
    return f"{declared.get('containerPort')}/{declared.get('protocol', 'TCP')}{name}"


def _declared_by_pod(pods: list[dict], refs: list[str]) -> dict:
    return {objects.ref(p): [_declared_label(d) for d in _declared(p)] or ["<none>"]
            for p in pods if objects.ref(p) in refs[:10]}


def _distinct_pod_specs(pods: list[dict]) -> list[dict]:
    """One pod per distinct set of declared ports (replicas of one template are checked once)."""
    seen, distinct = set(), []
    for pod in pods:
        key = tuple(sorted(_declared_label(d) for d in _declared(pod)))
        if key not in seen:
            seen.add(key)
            distinct.append(pod)
    return distinct
