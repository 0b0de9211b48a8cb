"""What the workload controllers would create: ReplicaSets and Pods with their usual names and labels."""
import copy
import json

from netdebug.model.selectors import matches

from .names import ensure_uid, suffix

APPS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")


def expand(objects: list[dict], nodes: list[dict]) -> list[dict]:
    """New objects (ReplicaSets for Deployments, Pods for every workload without pods of its own)."""
    created = []
    pods = [o for o in objects if o["kind"] == "Pod"]
    for workload in [o for o in objects if o["kind"] in APPS]:
        if _has_pods(workload, pods):
            continue
        if workload["kind"] == "Deployment":
            replica_set = _replica_set(workload)
            created.append(replica_set)
            workload = replica_set
        created += _pods(workload, nodes)
    return created


def _selector(workload: dict) -> dict:
    spec = workload.get("spec") or {}
    selector = spec.get("selector") or {"matchLabels": _template(workload)["metadata"].get("labels") or {}}
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        selector = {"matchLabels": selector}
    return selector


def _template(workload: dict) -> dict:
    template = workload["spec"]["template"]
    template.setdefault("metadata", {})
    return template


def _has_pods(workload: dict, pods: list[dict]) -> bool:
    namespace, selector = workload["metadata"]["namespace"], _selector(workload)
    return any(p["metadata"]["namespace"] == namespace and matches(selector, p["metadata"].get("labels") or {})
               for p in pods)


def _owner(workload: dict) -> list[dict]:
    return [{"apiVersion": workload.get("apiVersion", "apps/v1"), "kind": workload["kind"],
             "name": workload["metadata"]["name"], "uid": ensure_uid(workload),
             "controller": True, "blockOwnerDeletion": True}]


def _replica_set(deployment: dict) -> dict:
    template = copy.deepcopy(_template(deployment))
    pod_hash = suffix(10, json.dumps(template, sort_keys=True))
    template["metadata"].setdefault("labels", {})["pod-template-hash"] = pod_hash
    selector = copy.deepcopy(_selector(deployment))
    selector.setdefault("matchLabels", {})["pod-template-hash"] = pod_hash
    name = f"{deployment['metadata']['name']}-{pod_hash}"
    replicas = (deployment.get("spec") or {}).get("replicas", 1)
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": deployment["metadata"]["namespace"],
                     "labels": dict(template["metadata"]["labels"]), "ownerReferences": _owner(deployment),
                     "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {"replicas": replicas, "selector": selector, "template": template},
        "status": {"replicas": replicas, "observedGeneration": 1},
    }


def _pods(workload: dict, nodes: list[dict]) -> list[dict]:
    kind, spec = workload["kind"], workload.get("spec") or {}
    if kind == "DaemonSet":
        return [_pod(workload, f"{_base(workload)}-{suffix(5, workload['metadata']['name'], n['metadata']['name'])}",
                     node=n) for n in nodes if _fits(workload, n)]
    count = spec.get("parallelism", 1) if kind == "Job" else spec.get("replicas", 1)
    if kind == "StatefulSet":
        return [_stateful_pod(workload, index) for index in range(count)]
    return [_pod(workload, f"{_base(workload)}-{suffix(5, workload['metadata']['name'], i)}") for i in range(count)]


def _base(workload: dict) -> str:
    return workload["metadata"]["name"]


def _fits(workload: dict, node: dict) -> bool:
    wanted = (_template(workload).get("spec") or {}).get("nodeSelector") or {}
    labels = node["metadata"].get("labels") or {}
    return all(labels.get(k) == v for k, v in wanted.items())


def _stateful_pod(workload: dict, index: int) -> dict:
    name = f"{_base(workload)}-{index}"
    pod = _pod(workload, name)
    pod["metadata"]["labels"].update({"statefulset.kubernetes.io/pod-name": name,
                                      "apps.kubernetes.io/pod-index": str(index),
                                      "controller-revision-hash": f"{_base(workload)}-{suffix(10, _base(workload))}"})
    pod["spec"].setdefault("hostname", name)
    if workload["spec"].get("serviceName"):
        pod["spec"].setdefault("subdomain", workload["spec"]["serviceName"])
    return pod


def _pod(workload: dict, name: str, node: dict | None = None) -> dict:
    template = copy.deepcopy(_template(workload))
    labels = dict(template["metadata"].get("labels") or {})
    if workload["kind"] == "Job":
        labels.update({"batch.kubernetes.io/job-name": _base(workload), "job-name": _base(workload)})
    spec = template.get("spec") or {}
    if node is not None:
        spec["nodeName"] = node["metadata"]["name"]
    metadata = {"name": name, "namespace": workload["metadata"]["namespace"], "labels": labels,
                "ownerReferences": _owner(workload)}
    if template["metadata"].get("annotations"):
        metadata["annotations"] = dict(template["metadata"]["annotations"])
    if workload["kind"] != "StatefulSet":
        metadata["generateName"] = name[:-5]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": {}}
