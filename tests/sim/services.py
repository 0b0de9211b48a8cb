"""Service IPAM (ClusterIPs, NodePorts), the `kubernetes` Service, LoadBalancer and Ingress status."""
import ipaddress

from .names import digest
from .nodes import internal_ip
from .scenario import annotation, csv

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/16")
NODE_PORTS = (30000, 32768)
API_SERVICE_IP = "10.96.0.1"


def kubernetes_service(nodes: list[dict]) -> list[dict]:
    """The `default/kubernetes` Service the API server creates, with its endpoints on the first node."""
    address = internal_ip(nodes[0])
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kubernetes", "namespace": "default",
                            "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"type": "ClusterIP", "clusterIP": API_SERVICE_IP,
                        "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}
    endpoint = {"addresses": [address], "conditions": {"ready": True, "serving": True, "terminating": False}}
    ports = [{"name": "https", "port": 6443, "protocol": "TCP"}]
    slice_ = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
              "metadata": {"name": "kubernetes", "namespace": "default",
                           "labels": {"kubernetes.io/service-name": "kubernetes",
                                      "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io"}},
              "endpoints": [endpoint], "ports": ports}
    endpoints = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "kubernetes", "namespace": "default"},
                 "subsets": [{"addresses": [{"ip": address}], "ports": ports}]}
    return [service, slice_, endpoints]


def allocate(services: list[dict]) -> None:
    """Give every Service a ClusterIP and its NodePorts, stable per name (hash, then the next free)."""
    ips = {s["spec"].get("clusterIP") for s in services}
    ports = {p.get("nodePort") for s in services for p in s["spec"].get("ports") or []}
    for service in sorted(services, key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"])):
        spec = service["spec"]
        spec.setdefault("type", "ClusterIP")
        if spec["type"] == "ExternalName":
            continue
        if not spec.get("clusterIP"):
            spec["clusterIP"] = _free_ip(ips, service)
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        for port in spec.get("ports") or []:
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port["port"])
            if spec["type"] in ("NodePort", "LoadBalancer") and not port.get("nodePort"):
                port["nodePort"] = _free_port(ports, service, port)
        if spec["type"] == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local":
            spec.setdefault("healthCheckNodePort", _free_port(ports, service, {"port": "health"}))


def _free_ip(taken: set, service: dict) -> str:
    size = SERVICE_CIDR.num_addresses
    start = digest(service["metadata"]["namespace"], service["metadata"]["name"]) % size
    for step in range(size):
        offset = (start + step) % size
        address = str(SERVICE_CIDR[offset])
        if offset > 10 and offset < size - 1 and address not in taken:
            taken.add(address)
            return address
    raise ValueError("service CIDR exhausted")


def _free_port(taken: set, service: dict, port: dict) -> int:
    low, high = NODE_PORTS
    start = digest(service["metadata"]["namespace"], service["metadata"]["name"], port["port"]) % (high - low)
    for step in range(high - low):
        number = low + (start + step) % (high - low)
        if number not in taken:
            taken.add(number)
            return number
    raise ValueError("NodePort range exhausted")


def ingress_points(text: str | None) -> list[dict]:
    points = []
    for item in csv(text):
        try:
            ipaddress.ip_address(item)
            points.append({"ip": item, "ipMode": "VIP"})
        except ValueError:
            points.append({"hostname": item})
    return points


def load_balancer_status(services: list[dict]) -> None:
    """`sim.netdebug.io/lb-address` on a LoadBalancer Service: its ingress points; none = <pending>."""
    for service in services:
        points = ingress_points(annotation(service, "lb-address"))
        if service["spec"].get("type") == "LoadBalancer" and points:
            service.setdefault("status", {})["loadBalancer"] = {"ingress": points}


def ingress_status(ingresses: list[dict], classes: list[dict], services: list[dict]) -> None:
    """From the Ingress's own `lb-address`, else from its IngressClass's `publish-service` Service."""
    by_class = {c["metadata"]["name"]: c for c in classes}
    default = next((c for c in classes if (c["metadata"].get("annotations") or {})
                    .get("ingressclass.kubernetes.io/is-default-class") == "true"), None)
    by_ref = {f"{s['metadata']['namespace']}/{s['metadata']['name']}": s for s in services}
    for ingress in ingresses:
        points = ingress_points(annotation(ingress, "lb-address"))
        ingress_class = by_class.get((ingress.get("spec") or {}).get("ingressClassName")) or default
        publish = by_ref.get(annotation(ingress_class, "publish-service") or "") if ingress_class else None
        if not points and publish:
            points = ((publish.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if points:
            ingress["status"] = {"loadBalancer": {"ingress": [{k: v for k, v in p.items() if k != "ipMode"}
                                                              for p in points]}}
