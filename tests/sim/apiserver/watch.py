"""Watch streams: JSON lines of ADDED / MODIFIED / DELETED as a watcher's selectors see them."""
import asyncio
import json

from aiohttp import web

from .context import context
from .listing import include_mode, matcher, present
from .routing import RequestInfo, int_param
from .status import status
from .store import Expired
from .tables import table, wants_table


async def watch_objects(request: web.Request, info: RequestInfo) -> web.StreamResponse:
    """Changes as JSON lines; with sendInitialEvents=true a BOOKMARK marks the end of the initial ADDED."""
    loop, queue, store = asyncio.get_running_loop(), asyncio.Queue(), context(request).store
    stream = _Stream(request, info, matcher(request, info))
    initial_end = request.query.get("sendInitialEvents", "").lower() == "true"
    since = None if initial_end else request.query.get("resourceVersion")
    int_param(request.query, "resourceVersion")  # only validated: 400 when not a number
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    if since and since != "0":
        stream.visible = {_key(o) for o in store.snapshot(info.resource.kind, shared=True)[0] if stream.matches(o)}
    try:
        initial, cancel = store.watch(info.resource.kind, _deliver_to(loop, queue), since)
    except Expired as error:
        await response.write(_event("ERROR", status(410, str(error), "Expired")))
        return response
    try:
        for kind, obj in initial:
            await stream.send(response, kind, obj)
        if initial_end:
            await response.write(_event("BOOKMARK", _bookmark(info, store.resource_version)))
        await stream.follow(response, queue)
    finally:
        cancel()
    return response


class _Stream:
    """One watch: translates store events into what this watcher sees through its selectors."""

    def __init__(self, request: web.Request, info: RequestInfo, matches):
        self.request, self.matches, self.visible = request, matches, set()
        self.as_table, self.first = wants_table(request.headers.get("Accept")), True
        self.timeout = int_param(request.query, "timeoutSeconds", 1800)

    async def follow(self, response: web.StreamResponse, queue: asyncio.Queue) -> None:
        deadline = asyncio.get_running_loop().time() + self.timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                kind, obj = await asyncio.wait_for(queue.get(), max(remaining, 0))
            except asyncio.TimeoutError:
                return
            await self.send(response, kind, obj)

    async def send(self, response: web.StreamResponse, kind: str, obj: dict) -> None:
        kind = self._translate(kind, obj)
        if kind is None:
            return
        obj = present(obj)
        if self.as_table:
            obj, self.first = table(obj["kind"], [obj], include_mode(self.request), columns=self.first), False
        await response.write(_event(kind, obj))

    def _translate(self, kind: str, obj: dict) -> str | None:
        """An object leaving the selector is DELETED for this watcher, one entering it ADDED."""
        key, matched = _key(obj), self.matches(obj)
        was = key in self.visible
        if kind == "DELETED" or not matched:
            self.visible.discard(key)
            return "DELETED" if was or (matched and kind == "DELETED") else None
        self.visible.add(key)
        return "MODIFIED" if was and kind == "MODIFIED" else "ADDED"


def _deliver_to(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue):
    """A store callback (any thread) feeding this watch's queue; silent once the loop is gone."""
    def deliver(kind: str, obj: dict) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (kind, obj))
        except RuntimeError:
            pass
    return deliver


def _key(obj: dict) -> tuple:
    return obj["metadata"].get("namespace"), obj["metadata"]["name"]


def _bookmark(info: RequestInfo, version: str) -> dict:
    return {"kind": info.resource.kind, "apiVersion": info.resource.api_version, "metadata": {
        "resourceVersion": version, "annotations": {"k8s.io/initial-events-end": "true"}}}


def _event(kind: str, obj: dict) -> bytes:
    return (json.dumps({"type": kind, "object": obj}) + "\n").encode()
