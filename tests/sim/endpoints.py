"""What the EndpointSlice and Endpoints controllers would publish for Services with a selector."""
from netdebug.model.selectors import matches

from .names import ensure_uid, suffix

MANAGED_BY = "endpointslice-controller.k8s.io"


def for_services(services: list[dict], pods: list[dict]) -> list[dict]:
    created, by_namespace = [], {}
    for pod in pods:
        if _serving_candidate(pod):
            by_namespace.setdefault(pod["metadata"]["namespace"], []).append(pod)
    for service in services:
        selector = (service.get("spec") or {}).get("selector")
        if not selector or service["spec"].get("type") == "ExternalName":
            continue
        members = [p for p in by_namespace.get(service["metadata"]["namespace"], [])
                   if matches({"matchLabels": selector}, p["metadata"].get("labels") or {})]
        created += _slices(service, members)
        created.append(_endpoints(service, members))
    return created


def _serving_candidate(pod: dict) -> bool:
    status = pod.get("status") or {}
    return bool(status.get("podIP")) and status.get("phase") not in ("Succeeded", "Failed")


def pod_ready(pod: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions") or [])


def target_port(service_port: dict, pod: dict) -> int | None:
    """The container port a Service port reaches on this pod (named ports resolved per pod)."""
    target = service_port.get("targetPort", service_port["port"])
    if isinstance(target, int) or str(target).isdigit():
        return int(target)
    for container in pod["spec"]["containers"]:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == service_port.get("protocol", "TCP"):
                return port["containerPort"]
    return None


def _ports(service: dict, pod: dict) -> list[dict]:
    found = []
    for port in service["spec"]["ports"]:
        number = target_port(port, pod)
        if number is not None:
            entry = {"name": port.get("name", ""), "port": number, "protocol": port.get("protocol", "TCP")}
            if port.get("appProtocol"):
                entry["appProtocol"] = port["appProtocol"]
            found.append(entry)
    return found


def _slices(service: dict, pods: list[dict]) -> list[dict]:
    """One slice per distinct resolved port set, like the controller does (at least one slice)."""
    groups: dict[str, tuple[list, list]] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        ports = _ports(service, pod)
        groups.setdefault(repr(ports), (ports, []))[1].append(_endpoint(pod, service))
    if not groups:
        groups[""] = ([], [])
    name = service["metadata"]["name"]
    return [_slice(service, f"{name}-{suffix(5, name, key)}", ports, endpoints)
            for key, (ports, endpoints) in sorted(groups.items())]


def _endpoint(pod: dict, service: dict) -> dict:
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    hostname = pod["spec"].get("hostname") if pod["spec"].get("subdomain") == service["metadata"]["name"] else None
    return {"addresses": [pod["status"]["podIP"]], **({"hostname": hostname} if hostname else {}),
            "conditions": {"ready": pod_ready(pod) and not terminating, "serving": pod_ready(pod),
                           "terminating": terminating},
            "nodeName": pod["spec"].get("nodeName"),
            "targetRef": {"kind": "Pod", "namespace": pod["metadata"]["namespace"],
                          "name": pod["metadata"]["name"], "uid": ensure_uid(pod)}}


def _slice(service: dict, name: str, ports: list[dict], endpoints: list[dict]) -> dict:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": {"name": name, "namespace": service["metadata"]["namespace"], "generateName": name[:-5],
                         "labels": {"kubernetes.io/service-name": service["metadata"]["name"],
                                    "endpointslice.kubernetes.io/managed-by": MANAGED_BY},
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "controller": True,
                                              "blockOwnerDeletion": True, "name": service["metadata"]["name"],
                                              "uid": ensure_uid(service)}]},
            "endpoints": endpoints, "ports": ports}


def _endpoints(service: dict, pods: list[dict]) -> dict:
    """v1 Endpoints: ready addresses and notReadyAddresses; terminating pods are left out."""
    subsets: dict[str, dict] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        if pod["metadata"].get("deletionTimestamp"):
            continue
        ports = _ports(service, pod)
        subset = subsets.setdefault(repr(ports), {"ports": ports} if ports else {})
        address = {"ip": pod["status"]["podIP"], "nodeName": pod["spec"].get("nodeName"),
                   "targetRef": {"kind": "Pod", "namespace": pod["metadata"]["namespace"],
                                 "name": pod["metadata"]["name"], "uid": ensure_uid(pod)}}
        subset.setdefault("addresses" if pod_ready(pod) else "notReadyAddresses", []).append(address)
    return {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": service["metadata"]["name"], "namespace": service["metadata"]["namespace"],
                         "labels": dict(service["metadata"].get("labels") or {})},
            "subsets": [s for s in subsets.values() if s.get("ports")]}
