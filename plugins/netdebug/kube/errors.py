"""Translate client and transport exceptions into netdebug's vocabulary, in one place.

403 and 404 on a read become a Gap (the answer is degraded and says so); everything else that stops
us from talking to the API server becomes one ClusterError line (exit 3).
"""
import json
import re

from ..errors import ClusterError, redact
from ..model.gaps import FORBIDDEN, NOT_SERVED, Gap

DEGRADING_STATUSES = (403, 404)
_ERRNO_TEXT = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")
_SSL_TEXT = re.compile(r"\[SSL[^\]]*\] (.+?)\s*\(_ssl")


def api_message(err) -> str:
    """The Status message the API server sent, else the HTTP reason."""
    body = getattr(err, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        message = json.loads(body).get("message") if body else None
    except (ValueError, AttributeError):
        message = None
    return redact(message or str(getattr(err, "reason", "") or err).strip().splitlines()[0])


def gap(err, kind: str, namespace: str | None, verb: str, resource: str, name: str | None = None) -> Gap:
    """A failed read (403, 404: not served, other: failed) as a Gap naming the permission (verb, resource, namespace)."""
    reason = {403: FORBIDDEN, 404: "not found" if name else NOT_SERVED}.get(err.status, f"failed ({err.status})")
    return Gap(kind, namespace, reason, verb, resource, name, api_message(err))


def transport_reason(err) -> str:
    """A short cause for a connection-level failure (refused, DNS, TLS, timeout)."""
    text = redact(str(getattr(err, "reason", None) or err))
    ssl_error = _SSL_TEXT.search(text)
    if ssl_error or "SSL" in text:
        return "TLS handshake failed" + (f": {ssl_error.group(1)}" if ssl_error else "")
    if "timed out" in text.lower() or "timeout" in type(err).__name__.lower():
        return "timed out"
    found = _ERRNO_TEXT.search(text)
    return found.group(1).strip().lower() if found else text.splitlines()[0]


def unreachable(err, server: str, context: str, what: str | None = None) -> ClusterError:
    purpose = f" to {what}" if what else ""
    return ClusterError(f"cannot reach the API server {redact(server)} (context {context}){purpose}: "
                        f"{transport_reason(err)}")


def api_failure(err, server: str, context: str, what: str) -> ClusterError:
    """A non-degrading ApiException (401, 5xx, status 0 from the websocket layer...)."""
    if not err.status:
        return unreachable(err, server, context, what)
    if err.status == 401:
        return ClusterError(f"the API server {redact(server)} rejected the credentials of context {context} "
                            f"(401 Unauthorized) while trying to {what}")
    return ClusterError(f"could not {what}: {err.status} {api_message(err)} (context {context})")
