"""Pod helpers shared by exec, logs and ephemeral containers."""
from aiohttp import web

from .context import context
from .routing import RequestInfo, int_param
from .status import StatusError, not_found, status


def pod_or_404(request: web.Request, info: RequestInfo) -> dict:
    pod = context(request).store.get("Pod", info.namespace, info.name)
    if pod is None:
        raise StatusError(not_found("pods", info.name))
    return pod


def container_names(pod: dict) -> list[str]:
    spec = pod.get("spec", {})
    return [c["name"] for key in ("containers", "initContainers", "ephemeralContainers")
            for c in spec.get(key) or []]


def container_for(pod: dict, requested: str | None, running_phase: bool = False) -> str:
    """The container a request names, or the only one; HTTP 400 like kube-apiserver otherwise."""
    name = pod["metadata"]["name"]
    containers = [c["name"] for c in pod.get("spec", {}).get("containers") or []]
    if running_phase and pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
        raise StatusError(status(400, "cannot exec into a container in a completed pod; current phase is "
                                      f"{pod['status']['phase']}"))
    if not requested:
        if len(containers) == 1:
            return containers[0]
        raise StatusError(status(400, f"a container name must be specified for pod {name}, choose one of: "
                                      f"[{' '.join(containers)}]"))
    if requested not in container_names(pod):
        raise StatusError(status(400, f"container {requested} is not valid for pod {name}"))
    return requested


async def pod_logs(request: web.Request, info: RequestInfo) -> web.Response:
    pod = pod_or_404(request, info)
    container = container_for(pod, request.query.get("container"))
    lines = list(context(request).logs(pod, container))
    tail = int_param(request.query, "tailLines")
    if tail is not None:
        lines = lines[-tail:] if tail > 0 else []
    return web.Response(text="".join(line.rstrip("\n") + "\n" for line in lines), content_type="text/plain")
