"""Workload status as each controller writes it (the fields differ per kind), from the pods they own.

Deployment: replicas/updated/ready/available, Available and Progressing conditions, and the revision
annotation (also on its ReplicaSet, with desired/max replicas); ReplicaSet: replicas, fullyLabeled,
ready, available; StatefulSet: replicas, ready, current, updated, available, revisions; DaemonSet:
the *NumberScheduled counts and numberMisscheduled. Pure.
"""
from . import endpoints

REVISION = "deployment.kubernetes.io/revision"


def fill(objects: list[dict], pods: list[dict], apps: tuple, now: str) -> None:
    owners = {o["metadata"]["uid"]: o for o in objects if o["kind"] in apps and "uid" in o["metadata"]}
    counts = {uid: [0, 0] for uid in owners}
    for pod in pods:
        for ref in pod["metadata"].get("ownerReferences") or []:
            owner = owners.get(ref.get("uid"))
            chain = [owner] + [owners.get(r.get("uid")) for r in (owner or {}).get("metadata", {}).get("ownerReferences") or []]
            for item in filter(None, chain):
                counts[item["metadata"]["uid"]][0] += 1
                counts[item["metadata"]["uid"]][1] += endpoints.pod_ready(pod)
    for uid, (total, ready) in counts.items():
        workload = owners[uid]
        status = workload.setdefault("status", {})
        status["observedGeneration"] = workload["metadata"].setdefault("generation", 1)
        STATUS[workload["kind"]](workload, status, total, ready, now)


def _deployment(workload: dict, status: dict, total: int, ready: int, now: str) -> None:
    workload["metadata"].setdefault("annotations", {}).setdefault(REVISION, "1")
    wanted = (workload.get("spec") or {}).get("replicas", 1)
    status.update(replicas=total, updatedReplicas=total, readyReplicas=ready, availableReplicas=ready)
    if total - ready:
        status["unavailableReplicas"] = total - ready
    available = ready >= wanted - _max_unavailable(workload, wanted)
    status["conditions"] = [
        _condition("Available", available, "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                   "Deployment has minimum availability." if available else
                   "Deployment does not have minimum availability.", now),
        _condition("Progressing", True, "NewReplicaSetAvailable",
                   f'ReplicaSet "{workload["metadata"]["name"]}" has successfully progressed.', now)]


def _replica_set(workload: dict, status: dict, total: int, ready: int, _now: str) -> None:
    if any(r.get("kind") == "Deployment" for r in workload["metadata"].get("ownerReferences") or []):
        wanted = str((workload.get("spec") or {}).get("replicas", 1))
        workload["metadata"].setdefault("annotations", {}).update(
            {REVISION: "1", "deployment.kubernetes.io/desired-replicas": wanted,
             "deployment.kubernetes.io/max-replicas": wanted})
    status.update(replicas=total, fullyLabeledReplicas=total, readyReplicas=ready, availableReplicas=ready)


def _stateful_set(workload: dict, status: dict, total: int, ready: int, _now: str) -> None:
    revision = f"{workload['metadata']['name']}-{workload['metadata']['uid'][:10]}"
    status.update(replicas=total, readyReplicas=ready, currentReplicas=total, updatedReplicas=total,
                  availableReplicas=ready, currentRevision=revision, updateRevision=revision, collisionCount=0)


def _daemon_set(_workload: dict, status: dict, total: int, ready: int, _now: str) -> None:
    status.update(desiredNumberScheduled=total, currentNumberScheduled=total, numberMisscheduled=0,
                  numberReady=ready, numberAvailable=ready, updatedNumberScheduled=total)
    if total - ready:
        status["numberUnavailable"] = total - ready


def _job(_workload: dict, status: dict, total: int, ready: int, _now: str) -> None:
    status.update(active=total, ready=ready)


def _max_unavailable(workload: dict, wanted: int) -> int:
    value = (((workload.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}).get("maxUnavailable", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return wanted * int(value[:-1]) // 100
    return int(value)


def _condition(kind: str, true: bool, reason: str, message: str, now: str) -> dict:
    return {"type": kind, "status": "True" if true else "False", "reason": reason, "message": message,
            "lastUpdateTime": now, "lastTransitionTime": now}


STATUS = {"Deployment": _deployment, "ReplicaSet": _replica_set, "StatefulSet": _stateful_set,
          "DaemonSet": _daemon_set, "Job": _job}
