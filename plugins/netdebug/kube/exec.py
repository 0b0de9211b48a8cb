"""Run a command in a container over the exec websocket and return it like subprocess.run would.

`kubernetes.stream.stream(..., _preload_content=False)` keeps stdout and stderr apart and gives us
the status channel; the default mode merges them and loses the exit code. Anything that keeps the
command from running (missing binary, container not running, forbidden) is ExecResult.error, not an
exception: a probe that cannot run is an answer too.
"""
import json
import re
import time

from ..model.exec_result import ExecResult
from . import library

__all__ = ["ExecResult", "run_exec"]

STDOUT, STDERR, STATUS = 1, 2, 3
_HANDSHAKE = re.compile(r"Handshake status (\d+)")
_MESSAGE = re.compile(r'"message"\s*:\s*"((?:[^"\\]|\\.)*)"')


class _PodExec:
    """Just enough of a generated API object for `stream`: an `api_client` and a bound method."""

    def __init__(self, api_client):
        self.api_client = api_client

    def connect(self, namespace: str, pod: str, query: list, timeout: float):
        return self.api_client.call_api(
            "/api/v1/namespaces/{namespace}/pods/{name}/exec", "GET",
            path_params={"namespace": namespace, "name": pod}, query_params=query,
            header_params={"Accept": "*/*"}, auth_settings=["BearerToken"],
            _preload_content=False, _return_http_data_only=True, _request_timeout=timeout)


def run_exec(api_client, namespace: str, pod: str, container: str, argv: list[str],
             stdin: bytes | None = None, timeout: float = 5.0) -> ExecResult:
    """Run argv (never through a shell) and wait at most `timeout` seconds for it to finish."""
    lib = library.load()
    started = time.monotonic()
    query = [("command", list(argv)), ("container", container), ("stdin", stdin is not None),
             ("stdout", True), ("stderr", True), ("tty", False)]
    try:
        socket = lib.stream(_PodExec(api_client).connect, namespace, pod, query, timeout)
    except (lib.ApiException, AttributeError) as err:
        # The websocket layer raises a body-less ApiException, which ApiClient then trips over
        # (AttributeError while decoding the body): the ApiException is the context.
        failure = err if isinstance(err, lib.ApiException) else err.__context__
        if not isinstance(failure, lib.ApiException):
            raise
        return ExecResult("", "", None, error=handshake_error(failure), elapsed_ms=_since(started), started=False)
    try:
        return _collect(socket, stdin, timeout, started)
    except (OSError, ValueError, lib.websocket.WebSocketException) as err:
        return ExecResult("", "", None, error=f"exec stream broke: {err}", elapsed_ms=_since(started))
    finally:
        socket.close()


def _collect(socket, stdin: bytes | None, timeout: float, started: float) -> ExecResult:
    if stdin is not None:
        socket.write_stdin(stdin)
        socket.close_channel(0)  # v5 only: lets `cat`-like commands see end of input
    socket.run_forever(timeout=max(timeout - (time.monotonic() - started), 0.001))
    stdout = socket.read_channel(STDOUT, timeout=0)
    stderr = socket.read_channel(STDERR, timeout=0)
    if socket.is_open():
        return ExecResult(stdout, stderr, None, timed_out=True, elapsed_ms=_since(started))
    returncode, error = parse_status(socket.read_channel(STATUS, timeout=0))
    return ExecResult(stdout, stderr, returncode, error, elapsed_ms=_since(started))


def parse_status(text: str) -> tuple[int | None, str | None]:
    """(returncode, error) from the status channel: Success, NonZeroExitCode, or a failure to run."""
    if not text:
        return None, "the exec ended without reporting a status"
    try:
        status = json.loads(text)
    except ValueError:
        return None, f"unreadable exec status: {text[:200]}"
    if status.get("status") == "Success":
        return 0, None
    for cause in (status.get("details") or {}).get("causes") or []:
        if cause.get("reason") == "ExitCode":
            return int(cause.get("message", 1)), None
    return None, status.get("message") or status.get("reason") or "the command could not be started"


def handshake_error(err) -> str:
    """One line for an exec that could not start: HTTP status of the upgrade and the server's message."""
    text = str(getattr(err, "reason", "") or err)
    code = _HANDSHAKE.search(text)
    message = _MESSAGE.search(text)
    detail = message.group(1).encode().decode("unicode_escape") if message else text.splitlines()[0]
    if code:
        label = {"403": "forbidden", "404": "not found", "400": "rejected"}.get(code.group(1), "failed")
        return f"exec {label} ({code.group(1)}): {detail}"
    return f"exec failed: {detail}"


def _since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
