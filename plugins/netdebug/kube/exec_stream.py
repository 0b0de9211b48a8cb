"""A long-running exec with binary stdout, for packet capture: start it, wait until it says it is
ready (a marker on stderr), hand its stdout to a sink as it arrives, stop it through stdin.

Unlike run_exec (a probe: run, wait, collect), a capture runs beside other work: start() returns
once the command is ready; stop() writes one line to its stdin (the capture script's stop signal)
and collects what is left within a deadline. The command must end by itself too: if we vanish,
the kubelet closes its stdin and the script's own limits stop it.
"""
import time

from . import library
from .exec import STDERR, STDOUT, STATUS, _PodExec, handshake_error, parse_status

POLL = 0.05


def _connect(api_client):
    """_PodExec.connect, taking the `_preload_content` that tells `stream` to hand back the raw client."""
    def connect(namespace, pod, query, timeout, _preload_content=False):
        return _PodExec(api_client).connect(namespace, pod, query, timeout)
    connect.__self__ = _PodExec(api_client)  # `stream` finds the ApiClient through the bound method's object
    return connect


class ExecStream:
    def __init__(self, api_client, namespace: str, pod: str, container: str, argv: list[str], sink=None):
        self.where = f"{namespace}/{pod} ({container})"
        self._api, self._args = api_client, (namespace, pod, container, list(argv))
        self._sink = sink  # called with each stdout chunk (bytes); else stdout is kept in .stdout
        self._socket = None
        self.stdout, self.stderr = bytearray(), ""
        self.returncode: int | None = None
        self.error: str | None = None

    def start(self, ready_marker: str, timeout: float) -> bool:
        """Open the exec; True once `ready_marker` appeared on stderr, False (and .error) otherwise."""
        lib = library.load()
        namespace, pod, container, argv = self._args
        query = [("command", argv), ("container", container), ("stdin", True), ("stdout", True),
                 ("stderr", True), ("tty", False)]
        try:
            self._socket = lib.stream(_connect(self._api), namespace, pod, query, timeout, binary=True,
                                      _preload_content=False)
        except (lib.ApiException, AttributeError) as err:
            failure = err if isinstance(err, lib.ApiException) else err.__context__
            if not isinstance(failure, lib.ApiException):
                raise
            self.error = handshake_error(failure)
            return False
        deadline = time.monotonic() + timeout
        while ready_marker not in self.stderr:
            if not self._pump(POLL):
                self.error = self._ended_early()
                return False
            if time.monotonic() > deadline:
                self.error = f"the capture in {self.where} was not ready after {timeout:g}s"
                return False
        return True

    def wait(self, seconds: float) -> bool:
        """Keep reading for up to `seconds`; False once the command ended."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self._pump(min(POLL, max(deadline - time.monotonic(), 0.001))):
                return False
        return True

    def stop(self, timeout: float) -> None:
        """Ask the command to stop (a line on stdin), then read until it ends or `timeout` passes."""
        if self._socket is None:
            return
        try:
            if self._socket.is_open():
                self._socket.write_stdin(b"stop\n")
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._pump(POLL):
                pass
            if self._socket.is_open():
                self.error = self.error or f"the capture in {self.where} did not stop within {timeout:g}s"
            else:
                self.returncode, failure = parse_status(self._decode(self._socket.read_channel(STATUS)))
                self.error = self.error or failure
        except OSError as err:
            self.error = f"exec stream broke: {err}"
        finally:
            self._socket.close()

    def _pump(self, timeout: float) -> bool:
        """Move what arrived into stdout/stderr; False when the stream is closed."""
        socket = self._socket
        if not socket.is_open():
            return False
        socket.update(timeout=timeout)
        chunk = socket.read_channel(STDOUT)
        if chunk:
            self._sink(chunk) if self._sink else self.stdout.extend(chunk)
        self.stderr += self._decode(socket.read_channel(STDERR))
        return socket.is_open()

    def _ended_early(self) -> str:
        returncode, failure = parse_status(self._decode(self._socket.read_channel(STATUS)))
        last = next((line for line in reversed(self.stderr.splitlines()) if line.strip()), "")
        return failure or f"the capture in {self.where} ended at once (exit {returncode}): {last or 'no message'}"

    @staticmethod
    def _decode(data) -> str:
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")
