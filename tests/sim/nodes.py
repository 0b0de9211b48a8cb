"""Nodes, the scheduler and pod IPAM: every pod gets a node and an IP from that node's podCIDR."""
import hashlib
import ipaddress
import platform

from .behaviour import pod_state

KUBELET_VERSION = "v1.31.4"
PRESSURE_CONDITIONS = [{"type": kind, "status": "False", "reason": f"KubeletHas{reason}", "message": message}
                       for kind, reason, message in (
                           ("MemoryPressure", "SufficientMemory", "kubelet has sufficient memory available"),
                           ("DiskPressure", "NoDiskPressure", "kubelet has no disk pressure"),
                           ("PIDPressure", "SufficientPID", "kubelet has sufficient PID available"))]


def complete_nodes(objects: list[dict]) -> list[dict]:
    """The scenario's Nodes with the fields a kubelet reports; one node when the scenario has none."""
    nodes = sorted((o for o in objects if o["kind"] == "Node"), key=lambda n: n["metadata"]["name"])
    if not nodes:
        nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}}]
        objects.append(nodes[0])
    for index, node in enumerate(nodes):
        _complete(node, index)
    return nodes


def _complete(node: dict, index: int) -> None:
    name = node["metadata"]["name"]
    labels = node["metadata"].setdefault("labels", {})
    labels.setdefault("kubernetes.io/hostname", name)
    labels.setdefault("kubernetes.io/os", "linux")
    labels.setdefault("kubernetes.io/arch", "amd64")
    spec = node.setdefault("spec", {})
    spec.setdefault("podCIDR", f"10.244.{index}.0/24")
    spec.setdefault("podCIDRs", [spec["podCIDR"]])
    status = node.setdefault("status", {})
    if not any(a.get("type") == "InternalIP" for a in status.get("addresses") or []):
        status.setdefault("addresses", []).insert(0, {"type": "InternalIP", "address": f"172.18.0.{index + 2}"})
    status.setdefault("conditions", [*PRESSURE_CONDITIONS, {"type": "Ready", "status": "True", "reason": "KubeletReady",
                                                             "message": "kubelet is posting ready status"}])
    status.setdefault("nodeInfo", _node_info(name))
    status.setdefault("capacity", {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"})
    status.setdefault("allocatable", dict(status["capacity"]))
    status.setdefault("daemonEndpoints", {"kubeletEndpoint": {"Port": 10250}})


def _node_info(name: str) -> dict:
    """What the kubelet reports; the ids are stable per node name (real ones are random, as opaque)."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    uuid = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    return {"kubeletVersion": KUBELET_VERSION, "kubeProxyVersion": KUBELET_VERSION,
            "containerRuntimeVersion": "containerd://1.7.24", "operatingSystem": "linux", "architecture": "amd64",
            "osImage": "netdebug simulated node", "kernelVersion": platform.release(),
            "machineID": digest[:32], "systemUUID": uuid, "bootID": digest[32:40] + uuid[8:]}


def internal_ip(node: dict) -> str:
    return next(a["address"] for a in node["status"]["addresses"] if a.get("type") == "InternalIP")


def schedule(pods: list[dict], nodes: list[dict]) -> None:
    """Round-robin over the nodes whose labels fit the pod's nodeSelector (unless already bound)."""
    turn = 0
    for pod in sorted(pods, key=_pod_key):
        spec = pod.setdefault("spec", {})
        if spec.get("nodeName") or pod_state(pod) == "unschedulable":
            continue
        wanted = spec.get("nodeSelector") or {}
        fitting = [n for n in nodes if all((n["metadata"].get("labels") or {}).get(k) == v for k, v in wanted.items())]
        if fitting:
            spec["nodeName"] = fitting[turn % len(fitting)]["metadata"]["name"]
            turn += 1


def assign_ips(pods: list[dict], nodes: list[dict]) -> None:
    """Scenario IPs stay; the rest get the next free address of their node's podCIDR."""
    by_name = {n["metadata"]["name"]: n for n in nodes}
    taken = {p["status"]["podIP"] for p in pods if (p.get("status") or {}).get("podIP")}
    for pod in sorted(pods, key=_pod_key):
        node = by_name.get((pod.get("spec") or {}).get("nodeName"))
        status = pod.setdefault("status", {})
        if node is None:
            continue
        if pod["spec"].get("hostNetwork"):
            status["podIP"] = internal_ip(node)
        elif not status.get("podIP"):
            status["podIP"] = _next_free(node, taken)
        status["podIPs"] = [{"ip": status["podIP"]}]
        status["hostIP"] = internal_ip(node)
        status["hostIPs"] = [{"ip": status["hostIP"]}]


def _next_free(node: dict, taken: set) -> str:
    for address in list(ipaddress.ip_network(node["spec"]["podCIDR"]).hosts())[1:]:
        if str(address) not in taken:
            taken.add(str(address))
            return str(address)
    raise ValueError(f"Node {node['metadata']['name']}: podCIDR {node['spec']['podCIDR']} is full")


def _pod_key(pod: dict) -> tuple:
    return pod["metadata"]["namespace"], pod["metadata"]["name"]
