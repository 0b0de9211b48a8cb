"""The aiohttp application: authentication, faults, and dispatch of resource requests."""
import asyncio
import logging

from aiohttp import web

from . import discovery
from .context import CONTEXT, Context, context
from .ephemeral import patch_ephemeral
from .exec import exec_pod
from .faults import Dropped, inject
from .listing import get_object, list_objects
from .pods import pod_logs
from .routing import RequestInfo, parse
from .status import NOT_SERVED, StatusError, internal_error, respond, status
from .watch import watch_objects

LOG = logging.getLogger(__name__)
PUBLIC = ("/version", "/healthz", "/readyz", "/livez")
USER = web.RequestKey("user", str)
KIND = web.RequestKey("kind", str)
DEPRECATED = {"Endpoints": '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"'}


def build(ctx: Context) -> web.Application:
    app = web.Application(middlewares=[_errors, _authenticate])
    app[CONTEXT] = ctx
    app.on_response_prepare.append(_warn_deprecated)
    app.add_routes(discovery.routes())
    methods = ("GET", "POST", "PATCH", "PUT", "DELETE")
    for prefix in ("/api/v1/{tail:.+}", "/apis/{group}/{version}/{tail:.+}"):
        app.add_routes([web.route(method, prefix, _resource) for method in methods])
    return app


@web.middleware
async def _errors(request: web.Request, handler):
    try:
        return await handler(request)
    except StatusError as error:
        return respond(error.body)
    except web.HTTPNotFound:
        return respond(status(404, NOT_SERVED, details={}))
    except web.HTTPMethodNotAllowed:
        return respond(status(405, "the server does not allow this method on the requested resource"))
    except (web.HTTPException, asyncio.CancelledError, ConnectionError):
        raise
    except Exception as error:  # a simulator bug: answer like a real server, keep the traceback
        LOG.exception("%s %s failed", request.method, request.path_qs)
        return respond(internal_error(f"{type(error).__name__}: {error}"))


@web.middleware
async def _authenticate(request: web.Request, handler):
    if request.path in PUBLIC:
        return await handler(request)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = context(request).users.get(token) if scheme.lower() == "bearer" else None
    if user is None:
        raise StatusError(status(401, "Unauthorized"))
    request[USER] = user
    return await handler(request)


async def _resource(request: web.Request) -> web.StreamResponse:
    info = parse(request.method, request.path, request.query)
    if info.resource is None or info.group in context(request).hidden_groups:
        raise StatusError(status(404, NOT_SERVED, details={}))
    request[KIND] = info.resource.kind
    context(request).requests.append((request[USER], info.verb, info.rbac_resource, info.namespace))
    try:
        await inject(request, context(request).faults, request[USER], info)
    except Dropped:
        return web.Response()
    return await _dispatch(request, info)


async def _warn_deprecated(request: web.Request, response: web.StreamResponse) -> None:
    """kube-apiserver adds a Warning header when a deprecated kind is served."""
    warning = DEPRECATED.get(request.get(KIND))
    if warning:
        response.headers["Warning"] = warning


async def _dispatch(request: web.Request, info: RequestInfo) -> web.StreamResponse:
    handler = HANDLERS.get((info.verb, info.subresource))
    if handler is None and info.plural == "pods":
        handler = POD_HANDLERS.get((info.verb, info.subresource))
    if handler is not None:
        return await handler(request, info)
    if info.subresource and info.subresource not in dict(info.resource.subresources):
        raise StatusError(status(404, NOT_SERVED, details={}))
    raise StatusError(status(405, "the server does not allow this method on the requested resource"))


HANDLERS = {("list", None): list_objects, ("get", None): get_object, ("watch", None): watch_objects,
            ("get", "status"): get_object}
POD_HANDLERS = {("get", "log"): pod_logs, ("create", "exec"): exec_pod,
                ("get", "ephemeralcontainers"): get_object, ("patch", "ephemeralcontainers"): patch_ephemeral}
