"""GET on resources: list (selectors, paging) and get."""
import base64
import json

from aiohttp import web

from .context import context
from .routing import RequestInfo, int_param
from .selectors import SelectorError, fields_match, labels_match, parse_fields, parse_labels
from .status import StatusError, not_found, status
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
        return web.json_response(table(obj["kind"], [obj], include_mode(request)))
    return web.json_response(obj)


async def list_objects(request: web.Request, info: RequestInfo) -> web.Response:
    resource, query = info.resource, request.query
    matches = matcher(request, info)
    items, version = context(request).store.snapshot(resource.kind, info.namespace, shared=True)
    items = [present(o) for o in items if matches(o)]
    page, meta = _paginate(items, int_param(query, "limit", 0), query.get("continue"), version)
    if wants_table(request.headers.get("Accept")):
        body = table(resource.kind, page, include_mode(request))
        body["metadata"] = meta
        return web.json_response(body)
    items = [{k: v for k, v in item.items() if k not in ("kind", "apiVersion")} for item in page]
    return web.json_response({"kind": f"{resource.kind}List", "apiVersion": resource.api_version,
                              "metadata": meta, "items": items})


def matcher(request: web.Request, info: RequestInfo):
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


def include_mode(request: web.Request) -> str:
    return request.query.get("includeObject", "PartialObjectMetadata")
