"""Non-resource endpoints: discovery documents, /version, health checks, OpenAPI stubs."""
from aiohttp import web

from .context import context
from .resources import ALL_CATEGORY, group_versions, in_group_version
from .status import StatusError, status

VERSION = {"major": "1", "minor": "36", "gitVersion": "v1.36.0-netdebug-sim",
           "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
           "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.24.0", "compiler": "gc",
           "platform": "linux/amd64"}
READ_VERBS = ["get", "list", "watch"]


def routes() -> list:
    return [web.get("/api", api_versions), web.get("/api/v1", core_resources),
            web.get("/apis", api_groups), web.get("/apis/{group}", api_group),
            web.get("/apis/{group}/{version}", group_resources),
            web.get("/version", version), web.get("/healthz", healthy), web.get("/readyz", healthy),
            web.get("/livez", healthy), web.get("/openapi/v3", openapi_v3),
            web.get("/openapi/v2", openapi_v2)]


async def api_versions(request: web.Request) -> web.Response:
    address = f"{request.url.host}:{request.url.port}"
    return web.json_response({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
        {"clientCIDR": "0.0.0.0/0", "serverAddress": address}]})


async def core_resources(_request: web.Request) -> web.Response:
    return web.json_response(_resource_list("", "v1"))


async def api_groups(request: web.Request) -> web.Response:
    hidden = context(request).hidden_groups
    groups = [_group(name, versions) for name, versions in group_versions().items() if name not in hidden]
    return web.json_response({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})


async def api_group(request: web.Request) -> web.Response:
    versions = group_versions().get(request.match_info["group"])
    if not versions or request.match_info["group"] in context(request).hidden_groups:
        raise StatusError(status(404, "the server could not find the requested resource", details={}))
    body = _group(request.match_info["group"], versions)
    return web.json_response({"kind": "APIGroup", "apiVersion": "v1", **body})


async def group_resources(request: web.Request) -> web.Response:
    group, version = request.match_info["group"], request.match_info["version"]
    if not in_group_version(group, version) or group in context(request).hidden_groups:
        raise StatusError(status(404, "the server could not find the requested resource", details={}))
    return web.json_response(_resource_list(group, version))


async def version(_request: web.Request) -> web.Response:
    return web.json_response(VERSION)


async def healthy(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def openapi_v3(_request: web.Request) -> web.Response:
    return web.json_response({"paths": {}})


async def openapi_v2(_request: web.Request) -> web.Response:
    raise StatusError(status(404, "the server could not find the requested resource", details={}))


def _group(name: str, versions: list[str]) -> dict:
    listed = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": listed, "preferredVersion": listed[0]}


def _resource_list(group: str, version: str) -> dict:
    resources = []
    for resource in in_group_version(group, version):
        entry = {"name": resource.plural, "singularName": resource.singular,
                 "namespaced": resource.namespaced, "kind": resource.kind, "verbs": READ_VERBS}
        if resource.short_names:
            entry["shortNames"] = list(resource.short_names)
        if resource.kind in ALL_CATEGORY:
            entry["categories"] = ["all"]
        resources.append(entry)
        resources.extend(_subresource(resource, sub, kind) for sub, kind in resource.subresources)
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": resources}


def _subresource(resource, name: str, kind: str) -> dict:
    verbs = {"exec": ["create", "get"], "log": ["get"], "ephemeralcontainers": ["get", "patch", "update"]}
    return {"name": f"{resource.plural}/{name}", "singularName": "", "namespaced": resource.namespaced,
            "kind": kind, "verbs": verbs.get(name, ["get", "patch", "update"])}
