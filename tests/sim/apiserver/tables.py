"""meta.k8s.io/v1 Table rendering so `kubectl get` prints its usual columns."""
from .cells import age as _age
from .cells import name as _name
from .netprinters import NETWORK_COLUMNS
from .workloadprinters import WORKLOAD_COLUMNS

_NAME = ("Name", "string", "name", 0)
_AGE = ("Age", "string", "", 0)


def wants_table(accept: str) -> bool:
    return "as=Table" in (accept or "")


def table(kind: str, objects: list[dict], include: str = "PartialObjectMetadata", columns=True) -> dict:
    definitions, cells = _COLUMNS.get(kind, ((_NAME, _AGE), lambda o: [_name(o), _age(o)]))
    body = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "rows": [
        {"cells": cells(o), "object": _row_object(o, include)} for o in objects]}
    if columns:
        body["columnDefinitions"] = [{"name": n, "type": t, "format": f, "description": n, "priority": p}
                                     for n, t, f, p in definitions]
    return body


def _row_object(obj: dict, include: str):
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}


def _pod_cells(pod: dict) -> list:
    statuses = pod.get("status", {}).get("containerStatuses") or []
    ready = sum(1 for s in statuses if s.get("ready"))
    total = len(pod.get("spec", {}).get("containers") or [])
    restarts = sum(s.get("restartCount", 0) for s in statuses)
    return [_name(pod), f"{ready}/{total}", _pod_status(pod, statuses), restarts, _age(pod),
            pod.get("status", {}).get("podIP") or "<none>", pod.get("spec", {}).get("nodeName") or "<none>",
            pod.get("status", {}).get("nominatedNodeName") or "<none>", "<none>"]


def _pod_status(pod: dict, statuses: list) -> str:
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    reason = pod.get("status", {}).get("reason") or pod.get("status", {}).get("phase") or "Unknown"
    for state in (s.get("state") or {} for s in statuses):
        detail = state.get("waiting") or state.get("terminated") or {}
        if detail.get("reason") and detail.get("reason") != "Completed":
            reason = detail["reason"]
    return reason


def _service_cells(svc: dict) -> list:
    spec = svc.get("spec", {})
    ports = ",".join(f"{p['port']}:{p['nodePort']}/{p.get('protocol', 'TCP')}" if p.get("nodePort")
                     else f"{p['port']}/{p.get('protocol', 'TCP')}" for p in spec.get("ports") or [])
    selector = ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items()))
    return [_name(svc), spec.get("type", "ClusterIP"), spec.get("clusterIP") or "<none>",
            _external_ip(svc), ports or "<none>", _age(svc), selector or "<none>"]


def _external_ip(svc: dict) -> str:
    spec = svc.get("spec", {})
    if spec.get("type") == "ExternalName":
        return spec.get("externalName", "<none>")
    addresses = list(spec.get("externalIPs") or [])
    if spec.get("type") == "LoadBalancer":
        ingress = svc.get("status", {}).get("loadBalancer", {}).get("ingress") or []
        addresses += [i.get("ip") or i.get("hostname") for i in ingress]
        return ",".join(addresses) or "<pending>"
    return ",".join(addresses) or "<none>"


def _secret_cells(secret: dict) -> list:
    return [_name(secret), secret.get("type", "Opaque"), len(secret.get("data") or {}), _age(secret)]


def _namespace_cells(ns: dict) -> list:
    return [_name(ns), ns.get("status", {}).get("phase", "Active"), _age(ns)]


def _node_cells(node: dict) -> list:
    conditions = node.get("status", {}).get("conditions") or []
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
    roles = sorted(k.split("/", 1)[1] for k in node["metadata"].get("labels") or {}
                   if k.startswith("node-role.kubernetes.io/"))
    version = node.get("status", {}).get("nodeInfo", {}).get("kubeletVersion", "")
    return [_name(node), "Ready" if ready else "NotReady", ",".join(roles) or "<none>", _age(node), version]


def _event_cells(event: dict) -> list:
    involved = event.get("involvedObject") or {}
    seen = event.get("lastTimestamp") or event.get("eventTime")
    return [_age(event, seen), event.get("type", ""), event.get("reason", ""),
            f"{involved.get('kind', '').lower()}/{involved.get('name', '')}", event.get("message", ""),
            _name(event)]


_COLUMNS = {
    **NETWORK_COLUMNS,
    **WORKLOAD_COLUMNS,
    "Event": ((("Last Seen", "string", "", 0), ("Type", "string", "", 0), ("Reason", "string", "", 0),
               ("Object", "string", "", 0), ("Message", "string", "", 0), ("Name", "string", "name", 1)),
              _event_cells),
    "Pod": ((_NAME, ("Ready", "string", "", 0), ("Status", "string", "", 0),
             ("Restarts", "string", "", 0), _AGE, ("IP", "string", "", 1), ("Node", "string", "", 1),
             ("Nominated Node", "string", "", 1), ("Readiness Gates", "string", "", 1)), _pod_cells),
    "Service": ((_NAME, ("Type", "string", "", 0), ("Cluster-IP", "string", "", 0),
                 ("External-IP", "string", "", 0), ("Port(s)", "string", "", 0), _AGE,
                 ("Selector", "string", "", 1)), _service_cells),
    "Secret": ((_NAME, ("Type", "string", "", 0), ("Data", "string", "", 0), _AGE), _secret_cells),
    "Namespace": ((_NAME, ("Status", "string", "", 0), _AGE), _namespace_cells),
    "Node": ((_NAME, ("Status", "string", "", 0), ("Roles", "string", "", 0), _AGE,
              ("Version", "string", "", 0)), _node_cells),
}
