"""What the Kubernetes control plane would have made of the scenario's objects by now.

`reconcile(objects)` returns the full object list a real cluster would show: the scenario's own
objects completed (namespaces, node status, ClusterIPs, NodePorts, load balancer and Ingress status),
plus ReplicaSets and Pods of workloads (scheduled, with IPs and kubelet status), Events,
EndpointSlices and v1 Endpoints. Pure: no I/O; the data plane reads the same list.
"""
import copy
from datetime import datetime, timezone

from . import endpoints, nodes, podstatus, services, workload_status, workloads
from .names import ensure_uid

CLUSTER_SCOPED = ("Namespace", "Node", "IngressClass", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
                  "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy")
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def reconcile(objects: list[dict], now: str | None = None) -> list[dict]:
    now = now or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    objects = copy.deepcopy(objects)
    _default_namespace(objects)
    cluster_nodes = nodes.complete_nodes(objects)
    if not _find(objects, "Service", "default", "kubernetes"):
        objects += services.kubernetes_service(cluster_nodes)
    objects += workloads.expand(objects, cluster_nodes)
    pods = of(objects, "Pod")
    nodes.schedule(pods, cluster_nodes)
    nodes.assign_ips(pods, cluster_nodes)
    for pod in pods:
        objects += podstatus.fill(pod, now)
    svcs = of(objects, "Service")
    services.allocate(svcs)
    services.load_balancer_status(svcs)
    services.ingress_status(of(objects, "Ingress"), of(objects, "IngressClass"), svcs)
    sliced = _sliced_services(objects)
    objects += endpoints.for_services([s for s in svcs if _ref(s) not in sliced], pods)
    workload_status.fill(objects, pods, workloads.APPS, now)
    objects += _missing_namespaces(objects)
    for namespace in of(objects, "Namespace"):
        namespace["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = namespace["metadata"]["name"]
    for obj in objects:
        ensure_uid(obj)
    return objects


def of(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def _find(objects: list[dict], kind: str, namespace: str, name: str) -> dict | None:
    return next((o for o in objects if o["kind"] == kind and o["metadata"].get("namespace") == namespace
                 and o["metadata"]["name"] == name), None)


def _sliced_services(objects: list[dict]) -> set[tuple]:
    """(namespace, name) of the Services the scenario brings EndpointSlices for."""
    return {(o["metadata"].get("namespace"), (o["metadata"].get("labels") or {}).get("kubernetes.io/service-name"))
            for o in of(objects, "EndpointSlice")}


def _ref(service: dict) -> tuple:
    return service["metadata"]["namespace"], service["metadata"]["name"]


def _default_namespace(objects: list[dict]) -> None:
    for obj in objects:
        if obj["kind"] not in CLUSTER_SCOPED:
            obj["metadata"].setdefault("namespace", "default")


def _missing_namespaces(objects: list[dict]) -> list[dict]:
    defined = {o["metadata"]["name"] for o in of(objects, "Namespace")}
    used = {o["metadata"]["namespace"] for o in objects if o["metadata"].get("namespace")}
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
            for name in sorted((used | set(SYSTEM_NAMESPACES)) - defined)]
