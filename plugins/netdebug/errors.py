"""The small error vocabulary shared by every layer, and the documented exit codes."""
import re
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # allowed / reachable / no error-level finding
    PROBLEM = 1  # denied / blocked / an error-level finding (like `kubectl diff`)
    USAGE = 2  # bad input: flags, names, files
    CLUSTER = 3  # the cluster or its API could not be used


class NetdebugError(Exception):
    """An error meant for the user: one clear line, no traceback."""

    exit_code = ExitCode.USAGE


class InputError(NetdebugError):
    """Bad flags, names, selectors or files."""


class NotFoundError(InputError):
    """A named object does not exist (the message says where we looked)."""


class ClusterError(NetdebugError):
    """The API server could not be reached or refused the request."""

    exit_code = ExitCode.CLUSTER


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]*@")
_SECRET_PARAMS = re.compile(r"(?i)\b((?:access_)?token|password|secret)=[^&\s'\"]+")


def redact(text: str) -> str:
    """Credentials out of URLs (`https://user:pass@host`, `?token=...`) before anything prints them."""
    return _SECRET_PARAMS.sub(r"\1=REDACTED", _USERINFO.sub(r"\1REDACTED@", text))
