"""PATCH pods/{name}/ephemeralcontainers: what `kubectl debug` uses to add a debug container."""
import json

from aiohttp import web

from .context import context
from .defaults import pod_spec
from .patches import (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, PatchError, apply_json_patch,
                      merge_list_by_name)
from .pods import pod_or_404
from .routing import RequestInfo
from .status import StatusError, status
from .store import now


async def patch_ephemeral(request: web.Request, info: RequestInfo) -> web.Response:
    ctx, pod = context(request), pod_or_404(request, info)
    try:
        patch = json.loads(await request.text())
        containers = _patched(pod, patch, request.content_type)
    except (PatchError, ValueError, AttributeError) as error:
        raise StatusError(status(422, f'Pod "{info.name}" is invalid: {error}')) from None
    old = {c["name"]: c for c in pod["spec"].get("ephemeralContainers") or []}
    added = [c for c in containers if c.get("name") not in old]
    _validate(pod, containers, old)
    pod["spec"]["ephemeralContainers"] = containers
    pod_spec(pod["spec"])
    statuses = pod.setdefault("status", {}).setdefault("ephemeralContainerStatuses", [])
    statuses.extend(_running(c) for c in pod["spec"]["ephemeralContainers"] if c["name"] not in old)
    stored = ctx.store.update(pod)
    for container in stored["spec"]["ephemeralContainers"]:
        if container["name"] in {c["name"] for c in added}:
            ctx.runtime.container_added(stored, container)
    return web.json_response(stored)


def _patched(pod: dict, patch, content_type: str) -> list[dict]:
    current = pod["spec"].get("ephemeralContainers") or []
    if content_type == JSON_PATCH:
        return apply_json_patch(pod, patch)["spec"].get("ephemeralContainers") or []
    if content_type in (STRATEGIC_MERGE_PATCH, MERGE_PATCH):
        return merge_list_by_name(current, patch.get("spec", {}).get("ephemeralContainers") or [])
    raise StatusError(status(415, f"the body of the request was in an unknown format - accepted media "
                                  f"types include: {JSON_PATCH}, {MERGE_PATCH}, {STRATEGIC_MERGE_PATCH}"))


def _validate(pod: dict, containers: list[dict], old: dict) -> None:
    name = pod["metadata"]["name"]
    regular = {c["name"] for c in pod["spec"].get("containers") or []}
    regular |= {c["name"] for c in pod["spec"].get("initContainers") or []}
    seen = set()
    for index, container in enumerate(containers):
        field = f"spec.ephemeralContainers[{index}]"
        problem = _problem(container, regular, seen, field)
        if problem:
            raise StatusError(status(422, f'Pod "{name}" is invalid: {problem}', "Invalid",
                                     {"name": name, "kind": "Pod", "causes": [{"message": problem}]}))
        seen.add(container["name"])
    if set(old) - seen:
        raise StatusError(status(422, f'Pod "{name}" is invalid: spec.ephemeralContainers: Forbidden: '
                                      "existing ephemeral containers may not be removed", "Invalid"))


def _problem(container: dict, regular: set, seen: set, field: str) -> str | None:
    if not container.get("name"):
        return f"{field}.name: Required value"
    if container["name"] in regular or container["name"] in seen:
        return f'{field}.name: Duplicate value: "{container["name"]}"'
    if not container.get("image"):
        return f"{field}.image: Required value"
    target = container.get("targetContainerName")
    if target and target not in regular:
        return f'{field}.targetContainerName: Not found: "{target}"'
    return None


def _running(container: dict) -> dict:
    return {"name": container["name"], "image": container["image"], "imageID": "",
            "containerID": f"containerd://sim-{container['name']}", "ready": False, "restartCount": 0,
            "started": True, "lastState": {}, "state": {"running": {"startedAt": now()}}}
