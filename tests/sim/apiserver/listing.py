"""GET on resources: list (selectors, paging), get, and watch streams."""
import asyncio
import base64
import json

from aiohttp import web

from .context import context
from .routing import RequestInfo, int_param
from .selectors import SelectorError, fields_match, labels_match, parse_fields, parse_labels
from .status import StatusError, not_found, status
from .store import Expired
from .tables import table, wants_table


def present(obj: dict) -> dict:
    """What a client sees: Secret values are never served by the simulator (keys and type are)."""
    if obj.get("kind") == "Secret":
        obj = {**obj, "data": {k: "" for k in obj.get("data") or {}}}
        obj.pop("stringData", None)
    return obj


async def get_object(request: web.Request, info: RequestInfo) -> web.Response:
    obj = context(request).store.get(info.resource.kind, info.namespace, info.name)
    if obj is None:
        raise StatusError(not_found(info.plural, info.name, info.group))
    obj = present(obj)
    if wants_table(request.headers.get("Accept")):
        return web.json_response(table(obj["kind"], [obj], _include(request)))
    return web.json_response(obj)


async def list_objects(request: web.Request, info: RequestInfo) -> web.Response:
    resource, query = info.resource, request.query
    matches = _matcher(request, info)
    items, version = context(request).store.snapshot(resource.kind, info.namespace, shared=True)
    items = [present(o) for o in items if matches(o)]
    page, meta = _paginate(items, int_param(query, "limit", 0), query.get("continue"), version)
    if wants_table(request.headers.get("Accept")):
        body = table(resource.kind, page, _include(request))
        body["metadata"] = meta
        return web.json_response(body)
    items = [{k: v for k, v in item.items() if k not in ("kind", "apiVersion")} for item in page]
    return web.json_response({"kind": f"{resource.kind}List", "apiVersion": resource.api_version,
                              "metadata": meta, "items": items})


async def watch_objects(request: web.Request, info: RequestInfo) -> web.StreamResponse:
    """Changes as JSON lines; with sendInitialEvents=true a BOOKMARK marks the end of the initial ADDED."""
    loop, queue, store = asyncio.get_running_loop(), asyncio.Queue(), context(request).store
    stream = _Stream(request, info, _matcher(request, info))
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
            obj, self.first = table(obj["kind"], [obj], _include(self.request), columns=self.first), False
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


def _matcher(request: web.Request, info: RequestInfo):
    try:
        labels = parse_labels(request.query.get("labelSelector"))
        fields = parse_fields(request.query.get("fieldSelector"), info.resource.kind)
    except SelectorError as error:
        raise StatusError(status(400, str(error))) from None

    def matches(obj: dict) -> bool:
        meta = obj["metadata"]
        return ((info.namespace is None or meta.get("namespace") == info.namespace)
                and (info.name is None or meta["name"] == info.name)
                and labels_match(labels, meta.get("labels") or {}) and fields_match(fields, obj))
    return matches


def _paginate(items: list, limit: int, token: str | None, version: str) -> tuple[list, dict]:
    start = 0
    if token:
        after = _decode(token)
        start = next((i for i, o in enumerate(items) if _position(o) > after), len(items))
    meta = {"resourceVersion": version}
    count = limit if limit > 0 else len(items)
    page = items[start:start + count]
    if start + count < len(items):
        meta["continue"] = _encode(_position(page[-1]), version)
        meta["remainingItemCount"] = len(items) - start - count
    return page, meta


def _position(obj: dict) -> list:
    return [obj["metadata"].get("namespace") or "", obj["metadata"]["name"]]


def _encode(position: list, version: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"rv": version, "after": position}).encode()).decode()


def _decode(token: str) -> list:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
    except (ValueError, KeyError, TypeError):
        raise StatusError(status(400, "continue key is not valid: invalid continue token")) from None


def _include(request: web.Request) -> str:
    return request.query.get("includeObject", "PartialObjectMetadata")
