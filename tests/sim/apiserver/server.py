"""Run the fake API server on its own thread and event loop, over HTTPS on 127.0.0.1."""
import asyncio
import contextlib
import secrets
import socket
import ssl
import threading
from pathlib import Path

from aiohttp import web

from . import certs, kubeconfig
from .app import build
from .context import Context
from .faults import validate
from .store import Store


class ServerHandle:
    """A running server: url, kubeconfig path, CA path, bearer tokens; stop() ends it."""

    def __init__(self, ctx: Context, url: str, kubeconfig_path: Path, ca_path: Path, tokens: dict):
        self.url, self.kubeconfig, self.ca_path, self.tokens = url, kubeconfig_path, ca_path, tokens
        self._ctx = ctx
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def store(self) -> Store:
        return self._ctx.store

    def set_faults(self, faults: list[dict]) -> None:
        """Replace the injected faults (takes effect for the next request)."""
        self._ctx.faults = validate(faults)

    def take_requests(self) -> list[tuple]:
        """(user, verb, resource, namespace) of the resource requests since the last call, in order."""
        taken, self._ctx.requests = self._ctx.requests, []
        return taken

    def stop(self) -> None:
        if self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(timeout=30)
        self._thread = None

    def __enter__(self) -> "ServerHandle":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def start_server(store: Store, runtime, workdir: Path, faults: list[dict] = (), logs=None,
                 hidden_groups: set[str] = frozenset()) -> ServerHandle:
    """Start serving `store`; returns once the server accepts connections."""
    faults = validate(faults)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    paths = certs.generate(workdir)
    tokens = {user: secrets.token_hex(16) for user in ("admin", "limited")}
    ctx = Context(store=store, runtime=runtime, logs=logs or runtime.logs,
                  users={token: user for user, token in tokens.items()}, faults=faults,
                  hidden_groups=set(hidden_groups))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    url = f"https://127.0.0.1:{listener.getsockname()[1]}"
    handle = ServerHandle(ctx, url, workdir / "kubeconfig", paths.ca, tokens)
    kubeconfig.write(handle.kubeconfig, url, paths.ca, tokens)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(paths.cert, paths.key)
    _run_in_thread(handle, build(ctx), listener, tls)
    return handle


def _run_in_thread(handle: ServerHandle, app: web.Application, listener: socket.socket, tls) -> None:
    ready, failure = threading.Event(), []

    async def serve():
        handle._loop, handle._stopped = asyncio.get_running_loop(), asyncio.Event()
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.25)
        try:
            await runner.setup()
            await web.SockSite(runner, listener, ssl_context=tls).start()
        except Exception as error:  # reported to the starting thread
            failure.append(error)
            ready.set()
            return
        ready.set()
        await handle._stopped.wait()
        await runner.cleanup()
        await _kill_processes(handle._ctx)

    handle._thread = threading.Thread(target=asyncio.run, args=(serve(),), name="sim-apiserver", daemon=True)
    handle._thread.start()
    ready.wait()
    if failure:
        handle._thread.join()
        raise failure[0]


async def _kill_processes(ctx: Context) -> None:
    for process in list(ctx.processes):
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
