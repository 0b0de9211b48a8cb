"""What the kubelet would report for each pod: phase, conditions, container statuses, and Events."""
from .behaviour import container_state, listening, pod_state
from .names import ensure_uid, hex_id, suffix


def fill(pod: dict, now: str) -> list[dict]:
    """Write pod.status in place; return the Events the kubelet/scheduler would have recorded."""
    status, events = pod.setdefault("status", {}), []
    if pod_state(pod) == "unschedulable" or not pod["spec"].get("nodeName"):
        status.update(phase="Pending", conditions=[_condition("PodScheduled", False, now, "Unschedulable",
                                                              "0/1 nodes are available: node(s) didn't match Pod's node affinity/selector.")])
        return [event(pod, "FailedScheduling", status["conditions"][0]["message"], now, "default-scheduler")]
    statuses = []
    for container in pod["spec"]["containers"]:
        container_status, found = _container(pod, container, now)
        statuses.append(container_status)
        events += found
    if pod_state(pod) == "terminating":
        pod["metadata"]["deletionTimestamp"] = now
        pod["metadata"]["deletionGracePeriodSeconds"] = 30
    _pod_level(pod, status, statuses, now)
    return events


def _container(pod: dict, container: dict, now: str) -> tuple[dict, list[dict]]:
    name, image = container["name"], container.get("image", "")
    state = container_state(pod, name)
    base = {"name": name, "image": image, "imageID": f"{image.split(':')[0]}@sha256:{hex_id(image)}",
            "containerID": f"containerd://{hex_id(pod['metadata']['name'], name)}", "restartCount": 0,
            "lastState": {}}
    if state == "crashloop":
        message = f"back-off 5m0s restarting failed container={name} pod={_pod_ref(pod)}"
        return {**base, "ready": False, "started": False, "restartCount": 7,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": message}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now, "finishedAt": now}}}, \
            [event(pod, "BackOff", "Back-off restarting failed container " + f"{name} in pod {_pod_ref(pod)}", now,
                   container=name)]
    if state == "imagepull":
        base.pop("containerID"), base.pop("imageID")
        return {**base, "imageID": "", "ready": False, "started": False,
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}}}, \
            [event(pod, "Failed", f'Failed to pull image "{image}": not found', now, container=name),
             event(pod, "BackOff", f'Back-off pulling image "{image}"', now, container=name)]
    failure = _readiness_failure(pod, container) if state == "running" else "HTTP probe failed with statuscode: 503"
    running = {**base, "started": True, "state": {"running": {"startedAt": now}}}
    if failure:
        return {**running, "ready": False}, [event(pod, "Unhealthy", f"Readiness probe failed: {failure}", now,
                                                   container=name)]
    return {**running, "ready": True}, []


def _readiness_failure(pod: dict, container: dict) -> str | None:
    """A tcpSocket/httpGet readiness probe fails when nothing listens on its port."""
    probe = container.get("readinessProbe") or {}
    action = probe.get("tcpSocket") or probe.get("httpGet")
    if not action:
        return None
    port = action.get("port")
    if isinstance(port, str) and not port.isdigit():
        port = next((p["containerPort"] for p in container.get("ports") or [] if p.get("name") == port), None)
    if port is None:
        return f"port {action.get('port')!r} is not a named port of the container"
    if any(p.number == int(port) and p.protocol == "TCP" for p in listening(pod, container)):
        return None
    target = f"{pod['status'].get('podIP')}:{port}"
    if probe.get("httpGet"):
        return f'Get "http://{target}{action.get("path", "/")}": dial tcp {target}: connect: connection refused'
    return f"dial tcp {target}: connect: connection refused"


def _pod_level(pod: dict, status: dict, statuses: list[dict], now: str) -> None:
    waiting = [s for s in statuses if "waiting" in s["state"]]
    pulling = any(s["state"]["waiting"]["reason"] == "ImagePullBackOff" for s in waiting)
    unready = [s["name"] for s in statuses if not s["ready"]]
    ready = not unready  # a terminating pod stays Ready until its containers stop
    message = f"containers with unready status: [{' '.join(unready)}]" if unready else None
    status.update(
        phase="Pending" if pulling else "Running", startTime=now, qosClass=status.get("qosClass", "BestEffort"),
        containerStatuses=statuses,
        conditions=[_condition("PodReadyToStartContainers", True, now), _condition("Initialized", True, now),
                    _condition("Ready", ready, now, None if ready else "ContainersNotReady", message),
                    _condition("ContainersReady", not unready, now, None if not unready else "ContainersNotReady", message),
                    _condition("PodScheduled", True, now)])


def _condition(kind: str, ok: bool, now: str, reason: str | None = None, message: str | None = None) -> dict:
    cond = {"type": kind, "status": "True" if ok else "False", "lastProbeTime": None, "lastTransitionTime": now}
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def _pod_ref(pod: dict) -> str:
    return f"{pod['metadata']['name']}_{pod['metadata']['namespace']}({ensure_uid(pod)})"


def event(obj: dict, reason: str, message: str, now: str, component: str = "kubelet",
          container: str | None = None, kind: str = "Warning") -> dict:
    involved = {"apiVersion": obj.get("apiVersion", "v1"), "kind": obj["kind"], "name": obj["metadata"]["name"],
                "namespace": obj["metadata"].get("namespace"), "uid": ensure_uid(obj)}
    if container:
        involved["fieldPath"] = f"spec.containers{{{container}}}"
    name = f"{obj['metadata']['name']}.{suffix(8, reason, message, container).lower()}"
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": obj["metadata"].get("namespace") or "default"},
            "involvedObject": involved, "reason": reason, "message": message, "type": kind, "count": 5,
            "firstTimestamp": now, "lastTimestamp": now, "source": {"component": component},
            "reportingComponent": component, "reportingInstance": obj["spec"].get("nodeName", ""),
            "action": "", "eventTime": None}
