"""pods/exec over websocket (v5.channel.k8s.io / v4.channel.k8s.io), framed like the kubelet."""
import asyncio
import contextlib
import json

from aiohttp import WSMsgType, web

from .context import context
from .pods import container_for, pod_or_404
from .routing import RequestInfo
from .runtime import BinaryNotFound, ExecUnavailable
from .status import StatusError, internal_error, status, success

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


async def exec_pod(request: web.Request, info: RequestInfo) -> web.WebSocketResponse:
    pod = pod_or_404(request, info)
    container = container_for(pod, request.query.get("container"), running_phase=True)
    argv = request.query.getall("command", [])
    if not argv:
        raise StatusError(status(400, "you must specify at least 1 command"))
    protocol = _choose_protocol(request.headers.get("Sec-WebSocket-Protocol", ""))
    if request.headers.get("Upgrade", "").lower() != "websocket" or not protocol:
        raise StatusError(status(400, "unable to upgrade connection: websocket with subprotocol "
                                      f"{' or '.join(PROTOCOLS)} required"))
    ws = web.WebSocketResponse(protocols=[protocol], max_msg_size=0, timeout=2)
    await ws.prepare(request)
    flags = {k: request.query.get(k, "").lower() in ("true", "1") for k in ("stdin", "stdout", "stderr", "tty")}
    await _Session(ws, protocol, flags).run(request, pod, container, argv)
    return ws


def _choose_protocol(header: str) -> str | None:
    offered = {p.strip() for p in header.split(",")}
    return next((p for p in PROTOCOLS if p in offered), None)


class _Session:
    def __init__(self, ws: web.WebSocketResponse, protocol: str, flags: dict):
        self.ws, self.v5, self.flags = ws, protocol.startswith("v5"), flags

    async def run(self, request: web.Request, pod: dict, container: str, argv: list[str]) -> None:
        ctx = context(request)
        try:
            process = await ctx.runtime.spawn(pod, container, argv)
        except ExecUnavailable as error:
            return await self._finish(internal_error(str(error)))
        except BinaryNotFound as error:
            return await self._finish(internal_error(f"error executing command in container: {error}"))
        ctx.processes.add(process)
        try:
            await self._attend(process, argv)
        finally:
            ctx.processes.discard(process)
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()

    async def _attend(self, process, argv: list[str]) -> None:
        if not self.flags["stdin"]:
            process.stdin.close()
        reader = asyncio.ensure_future(self._read_client(process))
        try:
            out_channel = STDOUT if self.flags["stdout"] else None
            # a terminal shows stderr on the same stream as stdout
            err_channel = out_channel if self.flags["tty"] else (STDERR if self.flags["stderr"] else None)
            await asyncio.gather(self._pump(process.stdout, out_channel), self._pump(process.stderr, err_channel))
            code = await process.wait()
        finally:
            reader.cancel()
        await self._finish(_exit_status(code if code >= 0 else 128 - code, argv))

    async def _pump(self, stream, channel: int | None) -> None:
        while chunk := await stream.read(65536):
            if channel is not None and not self.ws.closed:
                await self.ws.send_bytes(bytes([channel]) + chunk)

    async def _read_client(self, process) -> None:
        async for message in self.ws:
            if message.type not in (WSMsgType.BINARY, WSMsgType.TEXT):
                continue
            data = message.data if message.type == WSMsgType.BINARY else message.data.encode()
            if not data:
                continue
            if data[0] == CLOSE and self.v5 and data[1:2] == bytes([STDIN]):
                process.stdin.close()
            elif data[0] == STDIN and not process.stdin.is_closing():
                with contextlib.suppress(ConnectionError):  # the process stopped reading
                    process.stdin.write(data[1:])
                    await process.stdin.drain()
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def _finish(self, body: dict) -> None:
        if not self.ws.closed:
            kubelet_form = {k: v for k, v in body.items() if k not in ("kind", "apiVersion")}
            await self.ws.send_bytes(bytes([ERROR]) + json.dumps(kubelet_form).encode())
            await self.ws.close()


def _exit_status(code: int, argv: list[str]) -> dict:
    if code == 0:
        return success()
    return {"metadata": {}, "status": "Failure",
            "message": f"command terminated with non-zero exit code: error executing command "
                       f"[{' '.join(argv)}], exit code {code}",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}
