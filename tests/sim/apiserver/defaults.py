"""Fields a real API server fills in when an object is created (defaulting), per kind."""
import ipaddress

from . import defaults_apps

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/16")
NODE_PORTS = range(30000, 32768)


def apply_defaults(obj: dict, taken: "Taken") -> None:
    """Fill defaults in place; `taken` allocates ClusterIPs and NodePorts not yet in use."""
    handler = _BY_KIND.get(obj.get("kind"))
    if handler:
        handler(obj, taken)


class Taken:
    """The ClusterIPs and NodePorts already used by stored Services."""

    def __init__(self, services: list[dict]):
        self.ips = {s.get("spec", {}).get("clusterIP") for s in services}
        self.ports = {p.get("nodePort") for s in services for p in s.get("spec", {}).get("ports") or []}

    def cluster_ip(self) -> str:
        for address in SERVICE_CIDR.hosts():
            if str(address) not in self.ips and address.packed[-2:] >= b"\x00\x0a":
                self.ips.add(str(address))
                return str(address)
        raise ValueError("service CIDR exhausted")

    def node_port(self) -> int:
        port = next(p for p in NODE_PORTS if p not in self.ports)
        self.ports.add(port)
        return port


def _namespace(obj: dict, _taken) -> None:
    name = obj["metadata"]["name"]
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj.setdefault("status", {}).setdefault("phase", "Active")


def _container(container: dict) -> None:
    image = container.get("image", "")
    latest = ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")
    container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault("resources", {})
    defaults_apps.probes(container)
    for port in container.get("ports") or []:
        port.setdefault("protocol", "TCP")


def pod_spec(spec: dict) -> None:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            _container(container)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("serviceAccountName", spec.get("serviceAccount", "default"))
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)


def _pod(obj: dict, _taken) -> None:
    pod_spec(obj.setdefault("spec", {}))
    status = obj.setdefault("status", {})
    status.setdefault("phase", "Pending")
    status.setdefault("qosClass", "BestEffort")
    images = {c["name"]: c.get("image", "") for key in ("initContainers", "containers", "ephemeralContainers")
              for c in obj["spec"].get(key) or []}
    for key in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for container_status in status.get(key) or []:
            _container_status(container_status, images)


def _container_status(container_status: dict, images: dict) -> None:
    """The fields the kubelet always reports (the Python client's models require them)."""
    container_status.setdefault("image", images.get(container_status.get("name"), ""))
    container_status.setdefault("imageID", "")
    container_status.setdefault("ready", False)
    container_status.setdefault("restartCount", 0)


def _service(obj: dict, taken: Taken) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] != "ExternalName":
        spec.setdefault("clusterIP", taken.cluster_ip())
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer"):
            port.setdefault("nodePort", taken.node_port())
    obj.setdefault("status", {}).setdefault("loadBalancer", {})


def _network_policy(obj: dict, _taken) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("podSelector", {})
    if "policyTypes" not in spec:
        spec["policyTypes"] = ["Ingress"] + (["Egress"] if "egress" in spec else [])
    for rule in (spec.get("ingress") or []) + (spec.get("egress") or []):
        for port in rule.get("ports") or []:
            port.setdefault("protocol", "TCP")


def _workload(obj: dict, _taken) -> None:
    defaults_apps.BY_KIND[obj["kind"]](obj.setdefault("spec", {}))
    _template(obj)


def _template(obj: dict, _taken=None) -> None:
    template = obj.get("spec", {}).get("template")
    if template:
        pod_spec(template.setdefault("spec", {}))
        template.setdefault("metadata", {}).setdefault("creationTimestamp", None)


def _ports_protocol(obj: dict, _taken) -> None:
    for subset in obj.get("subsets") or []:
        for port in subset.get("ports") or []:
            port.setdefault("protocol", "TCP")


def _endpoint_slice(obj: dict, _taken) -> None:
    for port in obj.get("ports") or []:
        port.setdefault("name", "")
        port.setdefault("protocol", "TCP")


def _secret(obj: dict, _taken) -> None:
    obj.setdefault("type", "Opaque")


_BY_KIND = {
    "Namespace": _namespace, "Pod": _pod, "Service": _service, "NetworkPolicy": _network_policy,
    "Deployment": _workload, "StatefulSet": _workload, "DaemonSet": _workload,
    "ReplicaSet": _workload, "Job": _template, "Endpoints": _ports_protocol,
    "EndpointSlice": _endpoint_slice, "Secret": _secret,
}
