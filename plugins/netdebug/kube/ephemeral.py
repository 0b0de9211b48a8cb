"""Add an ephemeral debug container to a pod (opt-in only) and wait until it runs.

It shares the pod's network namespace, so what it sees is what the pod sees, NetworkPolicy included.
Kubernetes cannot remove an ephemeral container: it stays (stopped or running) until the pod is
deleted. Callers must say so before calling this.
"""
import secrets
import time

from ..errors import ClusterError
from . import errors, library
from .resources import resource_for

PATCH_TYPE = "application/strategic-merge-patch+json"
POLL_SECONDS = 0.25
FAILED_WAITING = ("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerError",
                  "CreateContainerConfigError", "CrashLoopBackOff")


def container_spec(name: str, image: str, target_container: str | None) -> dict:
    """stdin stays open so a shell entrypoint (busybox, alpine, netshoot) keeps running for our execs."""
    spec = {"name": name, "image": image, "stdin": True, "tty": False,
            "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}
    if target_container:
        spec["targetContainerName"] = target_container
    return spec


def add_ephemeral_container(cluster, namespace: str, pod: str, image: str,
                            target_container: str | None = None, timeout: float = 60.0) -> str:
    """PATCH pods/ephemeralcontainers (strategic merge keeps existing ones); return the new name once running."""
    name = f"netdebug-{secrets.token_hex(3)}"
    body = {"spec": {"ephemeralContainers": [container_spec(name, image, target_container)]}}
    path = resource_for("Pod").path(namespace, pod, "ephemeralcontainers")
    try:
        cluster.call("PATCH", path, body=body, content_type=PATCH_TYPE)
    except library.load().ApiException as err:
        raise _refused(err, cluster, namespace, pod) from None
    wait_running(cluster, namespace, pod, name, timeout)
    return name


def wait_running(cluster, namespace: str, pod: str, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        state = container_state(cluster.get("Pod", namespace, pod), name)
        if "running" in state:
            return
        reason = (state.get("waiting") or {}).get("reason") or (state.get("terminated") or {}).get("reason")
        if "terminated" in state or reason in FAILED_WAITING:
            raise ClusterError(f"ephemeral container {name} in {namespace}/{pod} did not start: "
                               f"{reason or 'terminated'}")
        if time.monotonic() > deadline:
            raise ClusterError(f"ephemeral container {name} in {namespace}/{pod} was not running after {timeout:g}s"
                               + (f" ({reason})" if reason else ""))
        time.sleep(POLL_SECONDS)


def container_state(pod: dict | None, name: str) -> dict:
    for status in ((pod or {}).get("status") or {}).get("ephemeralContainerStatuses") or []:
        if status.get("name") == name:
            return status.get("state") or {}
    return {}


def _refused(err, cluster, namespace: str, pod: str) -> ClusterError:
    what = f"add an ephemeral container to {namespace}/{pod}"
    if err.status == 404:
        return ClusterError(f"could not {what}: {errors.api_message(err)} (pod missing, or the cluster "
                            "does not support ephemeral containers)")
    if err.status == 403:
        return ClusterError(f"forbidden to {what} (needs 'patch' on pods/ephemeralcontainers): "
                            f"{errors.api_message(err)}")
    return errors.api_failure(err, cluster.config.server, cluster.context, what)
