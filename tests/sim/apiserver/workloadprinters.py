"""Table columns for Deployments, ReplicaSets, StatefulSets and DaemonSets, as kubectl prints them."""
from .cells import age, name


def _counts(obj: dict, *fields: str) -> list:
    status = obj.get("status", {})
    return [status.get(field, 0) for field in fields]


def _deployment_cells(deploy: dict) -> list:
    ready, updated, available = _counts(deploy, "readyReplicas", "updatedReplicas", "availableReplicas")
    return [name(deploy), f"{ready}/{deploy.get('spec', {}).get('replicas', 1)}", updated, available,
            age(deploy)]


def _replicaset_cells(replicaset: dict) -> list:
    current, ready = _counts(replicaset, "replicas", "readyReplicas")
    return [name(replicaset), replicaset.get("spec", {}).get("replicas", 1), current, ready, age(replicaset)]


def _statefulset_cells(statefulset: dict) -> list:
    [ready] = _counts(statefulset, "readyReplicas")
    return [name(statefulset), f"{ready}/{statefulset.get('spec', {}).get('replicas', 1)}", age(statefulset)]


def _daemonset_cells(daemonset: dict) -> list:
    counts = _counts(daemonset, "desiredNumberScheduled", "currentNumberScheduled", "numberReady",
                     "updatedNumberScheduled", "numberAvailable")
    node_selector = daemonset.get("spec", {}).get("template", {}).get("spec", {}).get("nodeSelector") or {}
    shown = ",".join(f"{k}={v}" for k, v in sorted(node_selector.items())) or "<none>"
    return [name(daemonset), *counts, shown, age(daemonset)]


def _columns(*names: str) -> tuple:
    return tuple((n, "string", "name" if n == "Name" else "", 0) for n in names)


WORKLOAD_COLUMNS = {
    "Deployment": (_columns("Name", "Ready", "Up-to-date", "Available", "Age"), _deployment_cells),
    "ReplicaSet": (_columns("Name", "Desired", "Current", "Ready", "Age"), _replicaset_cells),
    "StatefulSet": (_columns("Name", "Ready", "Age"), _statefulset_cells),
    "DaemonSet": (_columns("Name", "Desired", "Current", "Ready", "Up-to-date", "Available",
                           "Node Selector", "Age"), _daemonset_cells),
}
