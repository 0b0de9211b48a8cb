"""The processes behind container ports: one daemon per run serves every pod's listeners.

`python -m tests.sim.listeners SPEC READY_FILE` binds each socket of SPEC inside its pod's network
namespace (setns on the main thread, then back), writes READY_FILE, and serves them all from one
asyncio loop: TCP answers HTTP requests with `HTTP/1.1 <status>` and a body naming the pod, container
and port, and echoes anything else (over TLS, with a throwaway certificate, on ports the pod lists in
`sim.netdebug.io/tls`); UDP echoes datagrams. A "dns-delay" entry is a slow DNS front
(for `sim.netdebug.io/dns-delay`): a thread living in the pod namespace that waits, then relays to
the pod's dnsmasq on 127.0.0.1:<upstream>.
"""
import asyncio
import ctypes
import json
import os
import socket
import ssl
import sys
import threading

CLONE_NEWNET = 0x40000000
HTTP_METHODS = (b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH")
REASONS = {200: "OK", 301: "Moved Permanently", 403: "Forbidden", 404: "Not Found",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
_libc = ctypes.CDLL(None, use_errno=True)


def enter(netns_path: str) -> None:
    """Move the calling thread into a network namespace."""
    fd = os.open(netns_path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {netns_path}")
    finally:
        os.close(fd)


def bind(entry: dict) -> socket.socket:
    tcp = entry["protocol"] == "TCP"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((entry.get("ip", "0.0.0.0"), entry["port"]))
    if tcp:
        sock.listen(128)
    sock.setblocking(False)
    return sock


class Answer(asyncio.Protocol):
    """TCP: an HTTP reply naming the pod for HTTP requests, an echo for anything else."""

    def __init__(self, entry: dict):
        self.entry, self.buffer, self.transport = entry, b"", None

    def connection_made(self, transport):
        self.transport = transport
        peers = self.entry.get("mesh_peers")
        if peers is not None and (transport.get_extra_info("peername") or ("",))[0] not in peers:
            transport.abort()  # mutual TLS required (mesh.py): a plain-text client is reset

    def data_received(self, data: bytes):
        self.buffer += data
        if self._refused():
            return
        if self.buffer.split(b" ", 1)[0] not in HTTP_METHODS:
            self.transport.write(data)
        elif b"\r\n\r\n" in self.buffer:
            self.transport.write(http_response(self.entry, head=self.buffer.startswith(b"HEAD")))
            self.transport.close()


    def _refused(self) -> bool:
        """The mesh's authorization refuses this peer (mesh_authz.py): HTTP 403 "RBAC: access denied", else a reset."""
        refused = self.entry.get("mesh_refused")
        peer = (self.transport.get_extra_info("peername") or ("",))[0]
        if not refused or not (peer in refused["peers"] or (refused["others"] and peer not in refused["known"])):
            return False
        if self.buffer.split(b" ", 1)[0] not in HTTP_METHODS:
            self.transport.abort()
        elif b"\r\n\r\n" in self.buffer:
            body = b"RBAC: access denied"
            self.transport.write(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                                 b"Connection: close\r\n\r\n%s" % (len(body), body))
            self.transport.close()
        return True


def http_response(entry: dict, head: bool = False) -> bytes:
    status = entry.get("http_status", 200)
    body = f"{entry['pod']} {entry['container']} {entry['port']}/TCP\n".encode()
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}", "Content-Type: text/plain",
             f"Content-Length: {len(body)}", f"X-Sim-Pod: {entry['pod']}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode() + (b"" if head else body)


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data: bytes, addr):
        self.transport.sendto(data, addr)


async def serve(entries: list[tuple[dict, socket.socket]], tls: dict | None) -> None:
    loop = asyncio.get_running_loop()
    context = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls["cert"], tls["key"])
    for entry, sock in entries:
        if entry.get("ingress"):
            from .ingress_controller import IngressAnswer, tls_context
            await loop.create_server(lambda e=entry: IngressAnswer(e, enter), sock=sock,
                                     ssl=tls_context(entry["ingress"]) if entry.get("tls") else None)
        elif entry["protocol"] == "TCP":
            await loop.create_server(lambda e=entry: Answer(e), sock=sock, ssl=context if entry.get("tls") else None)
        else:
            await loop.create_datagram_endpoint(Echo, sock=sock)
    await asyncio.Event().wait()


class SlowRelay(asyncio.DatagramProtocol):
    """UDP DNS front: wait `delay`, ask dnsmasq on loopback, send its answer back."""

    def __init__(self, delay: float, upstream: int):
        self.delay, self.upstream, self.transport = delay, upstream, None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data: bytes, addr):
        asyncio.get_running_loop().create_task(self.relay(data, addr))

    async def relay(self, data: bytes, addr):
        await asyncio.sleep(self.delay)
        loop, answer = asyncio.get_running_loop(), asyncio.get_running_loop().create_future()
        transport, _ = await loop.create_datagram_endpoint(lambda: _Once(answer), remote_addr=("127.0.0.1", self.upstream))
        transport.sendto(data)
        try:
            self.transport.sendto(await asyncio.wait_for(answer, 5), addr)
        except asyncio.TimeoutError:
            pass
        finally:
            transport.close()


class _Once(asyncio.DatagramProtocol):
    def __init__(self, future):
        self.future = future

    def datagram_received(self, data, addr):
        if not self.future.done():
            self.future.set_result(data)


async def _tcp_relay(reader, writer, delay: float, upstream: int):
    await asyncio.sleep(delay)
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
    except OSError:
        writer.close()


async def _pipe(reader, writer):
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


def slow_dns(entry: dict, ready: threading.Event) -> None:
    """Thread body: enter the pod namespace for good, serve the delayed DNS front there."""
    enter(entry["netns"])

    async def main():
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: SlowRelay(entry["delay"], entry["upstream"]),
                                            local_addr=(entry["ip"], entry["port"]))
        await asyncio.start_server(lambda r, w: _tcp_relay(r, w, entry["delay"], entry["upstream"]),
                                   entry["ip"], entry["port"])
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def main(spec_path: str, ready_path: str) -> None:
    with open(spec_path, encoding="utf-8") as stream:
        spec = json.load(stream)
    home = "/proc/self/ns/net"
    home_fd = os.open(home, os.O_RDONLY)
    bound = []
    for entry in spec["sockets"]:
        enter(entry["netns"])
        try:
            bound.append((entry, bind(entry)))
        except OSError as err:
            print(f"cannot listen on {entry['pod']} {entry['port']}/{entry['protocol']}: {err}", flush=True)
        finally:
            _libc.setns(home_fd, CLONE_NEWNET)
    for entry in spec.get("slow_dns") or []:
        ready = threading.Event()
        threading.Thread(target=slow_dns, args=(entry, ready), daemon=True).start()
        ready.wait(5)
    with open(ready_path, "w", encoding="utf-8") as stream:
        stream.write(f"{len(bound)}\n")
    asyncio.run(serve(bound, spec.get("tls")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
