"""Injected faults: 403 for a user/verb/resource, 500s, added latency, dropped connections, and 404 for a
resource this server does not serve (a cluster too old for it, an API group not installed)."""
import asyncio

from aiohttp import web

from .routing import RequestInfo
from .status import NOT_SERVED, StatusError, internal_error, status

ACTIONS = ("forbid", "error", "delay", "drop", "absent")
FIELDS = {"user", "verb", "resource", "namespace", "action", "seconds", "message"}


class Dropped(Exception):
    """The connection was closed without an answer."""


def validate(faults: list[dict]) -> list[dict]:
    for fault in faults:
        if fault.get("action") not in ACTIONS:
            raise ValueError(f"fault {fault!r}: action must be one of {', '.join(ACTIONS)}")
        if set(fault) - FIELDS:
            raise ValueError(f"fault {fault!r}: unknown field(s) {', '.join(sorted(set(fault) - FIELDS))}")
    return list(faults)


async def inject(request: web.Request, faults: list[dict], user: str, info: RequestInfo) -> None:
    """Apply every matching fault in order: delays add up, the first forbid/error/drop/absent answers."""
    for fault in faults:
        if not _matches(fault, user, info):
            continue
        action = fault["action"]
        if action == "delay":
            await asyncio.sleep(float(fault.get("seconds", 0.5)))
        elif action == "forbid":
            raise StatusError(forbidden(user, info))
        elif action == "error":
            raise StatusError(internal_error(fault.get("message", "injected fault")))
        elif action == "absent":
            raise StatusError(status(404, NOT_SERVED, details={}))
        else:
            request.transport.abort()
            raise Dropped()


def _matches(fault: dict, user: str, info: RequestInfo) -> bool:
    return (fault.get("user", "*") in ("*", user) and fault.get("verb", "*") in ("*", info.verb)
            and fault.get("resource", "*") in ("*", info.rbac_resource)
            and fault.get("namespace") in (None, "*", info.namespace or ""))  # "": cluster-wide requests only


def forbidden(user: str, info: RequestInfo) -> dict:
    """The 403 body kube-apiserver's RBAC authorizer produces."""
    qualified = f"{info.plural}.{info.group}" if info.group else info.plural
    subject = f'{qualified} "{info.name}"' if info.name else qualified
    scope = f'in the namespace "{info.namespace}"' if info.namespace else "at the cluster scope"
    message = (f'{subject} is forbidden: User "{user}" cannot {info.verb} resource "{info.rbac_resource}" '
               f'in API group "{info.group}" {scope}')
    details = {"name": info.name, "group": info.group, "kind": info.plural}
    return status(403, message, "Forbidden", {k: v for k, v in details.items() if v})
