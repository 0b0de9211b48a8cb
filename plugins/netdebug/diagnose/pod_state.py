"""Why a pod is not ready: terminating, pending, a container waiting or crashing, a failing readiness probe.

Pure: reads the pod's status and the Events recorded for it (when we could list them).
"""
from ..model import objects
from ..model.snapshot import Snapshot

BAD_WAITING = ("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
               "CreateContainerError", "InvalidImageName", "RunContainerError")
EVENT_LIMIT = 3


def not_ready_reason(pod: dict, events: list[dict]) -> dict:
    """{"pod", "reason", "detail", "events"}: the most telling reason first found."""
    reason, detail = _status_reason(pod)
    relevant = [e for e in events if _is_relevant_event(e, reason)]
    if reason == "not-ready" and any(_is_probe_failure(e) for e in relevant):
        reason, detail = "readiness-probe-failing", "readiness probe failing"
    found = {"pod": objects.ref(pod), "reason": reason, "detail": detail}
    if relevant:
        found["events"] = [_event_line(e) for e in relevant[-EVENT_LIMIT:]]
    return found


def pod_events(snapshot: Snapshot, pod: dict) -> list[dict]:
    ns, name = objects.namespace(pod), objects.name(pod)
    found = [e for e in snapshot.in_namespace("Event", ns)
             if (e.get("involvedObject") or {}).get("name") == name
             and (e.get("involvedObject") or {}).get("kind", "Pod") == "Pod"]
    return sorted(found, key=lambda e: e.get("lastTimestamp") or e.get("eventTime") or "")


def _status_reason(pod: dict) -> tuple[str, str]:
    if objects.meta(pod).get("deletionTimestamp"):
        return "terminating", f"terminating since {objects.meta(pod)['deletionTimestamp']}"
    for status in _container_statuses(pod):
        waiting = (status.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in BAD_WAITING:
            return _waiting_code(waiting["reason"]), _waiting_detail(status, waiting)
    phase = objects.status(pod).get("phase", "")
    if phase == "Pending":
        scheduled = objects.condition(pod, "PodScheduled") or {}
        why = scheduled.get("message") or scheduled.get("reason") or "containers not started"
        return "pending", f"pending: {why}"
    if phase in ("Failed", "Succeeded"):
        return "not-running", f"phase {phase}"
    for status in _container_statuses(pod):
        if status.get("started") is not False and not status.get("ready", False) and _has_readiness_probe(pod, status):
            return "readiness-probe-failing", f"container {status.get('name')} running, readiness probe not passing"
    ready = objects.condition(pod, "Ready") or {}
    return "not-ready", ready.get("message") or ready.get("reason") or "Ready condition is not True"


def _container_statuses(pod: dict) -> list[dict]:
    st = objects.status(pod)
    return (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or [])


def _waiting_code(reason: str) -> str:
    if reason == "CrashLoopBackOff":
        return "crash-loop"
    if reason in ("ImagePullBackOff", "ErrImagePull", "InvalidImageName"):
        return "image-pull"
    return "container-waiting"


def _waiting_detail(status: dict, waiting: dict) -> str:
    detail = f"container {status.get('name')} waiting: {waiting['reason']}"
    if status.get("restartCount"):
        detail += f" (restarts {status['restartCount']})"
    if waiting.get("message"):
        detail += f": {waiting['message']}"
    return detail


def _has_readiness_probe(pod: dict, status: dict) -> bool:
    for container in objects.pod_containers(pod):
        if container.get("name") == status.get("name"):
            return bool(container.get("readinessProbe"))
    return False


def _is_probe_failure(event: dict) -> bool:
    return event.get("reason") == "Unhealthy" and "Readiness probe" in (event.get("message") or "")


def _is_relevant_event(event: dict, reason: str) -> bool:
    if event.get("type") == "Warning":
        return True
    return reason != "not-ready" and event.get("reason") in ("Killing", "BackOff", "Failed")


def _event_line(event: dict) -> str:
    count = event.get("count") or (event.get("series") or {}).get("count")
    times = f" (x{count})" if count and count > 1 else ""
    return f"{event.get('reason', '')}: {event.get('message', '').strip()}{times}"
