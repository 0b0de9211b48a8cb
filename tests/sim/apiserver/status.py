"""metav1.Status bodies, the error form every kube-apiserver answer uses."""
import json

from aiohttp import web

REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
           405: "MethodNotAllowed", 406: "NotAcceptable", 409: "AlreadyExists", 410: "Expired",
           415: "UnsupportedMediaType", 422: "Invalid", 500: "InternalError"}
NOT_SERVED = "the server could not find the requested resource"  # a path no API group serves


def status(code: int, message: str, reason: str | None = None, details: dict | None = None) -> dict:
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason or REASONS.get(code, "Unknown"), "code": code}
    if details is not None:
        body["details"] = details
    return body


def success() -> dict:
    return {"metadata": {}, "status": "Success"}


def internal_error(message: str) -> dict:
    body = status(500, f"Internal error occurred: {message}", "InternalError",
                  {"causes": [{"message": message}]})
    return body


def not_found(plural: str, name: str, group: str = "") -> dict:
    details = {"name": name, "group": group, "kind": plural} if group else {"name": name, "kind": plural}
    return status(404, f'{plural}{"." + group if group else ""} "{name}" not found', details=details)


def respond(body: dict) -> web.Response:
    return web.Response(status=body.get("code", 200), text=json.dumps(body),
                        content_type="application/json")


class StatusError(Exception):
    """Raised by handlers; the middleware answers with the Status body."""

    def __init__(self, body: dict):
        super().__init__(body["message"])
        self.body = body
