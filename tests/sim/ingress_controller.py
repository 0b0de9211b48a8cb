"""The simulated ingress controller: what ingress-nginx does with the Ingresses of its class.

Controller pods are the pods behind an IngressClass's `sim.netdebug.io/publish-service` Service
(ingress_routes.py builds what they serve). On their listening ports (HTTPS on the
`sim.netdebug.io/tls` ones) they route by Host and path (Exact, Prefix, longest first), proxy to a ready endpoint of the backend Service from the controller's own
network namespace (502 refused, 504 no answer within 1 s), answer 503 when the backend has no ready
endpoint, 404 from the default backend when no rule matches, and redirect plain HTTP to HTTPS (308)
for hosts listed under `tls`. With TLS, SNI picks the Secret's certificate for the host, else the
self-signed default ("Kubernetes Ingress Controller Fake Certificate"), as ingress-nginx does.
"""
import asyncio
import os
import random
import socket
import ssl

PROXY_TIMEOUT = 1.0


def tls_context(config: dict) -> ssl.SSLContext:
    """The default (fake) certificate, and per SNI name the Secret's certificate when there is one."""
    contexts = {}
    for host, pair in config["certs"].items():
        contexts[host] = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        contexts[host].load_cert_chain(*pair)
    default = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    default.load_cert_chain(*config["fake"])

    def pick(connection, server_name, _context):
        if server_name and server_name.lower() in contexts:
            connection.context = contexts[server_name.lower()]

    default.sni_callback = pick
    return default


class IngressAnswer(asyncio.Protocol):
    """One client connection to the controller: read the request head, answer or proxy, close."""

    def __init__(self, entry: dict, enter):
        self.entry, self.enter, self.buffer, self.transport, self.started = entry, enter, b"", None, False

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes):
        self.buffer += data
        if b"\r\n\r\n" in self.buffer and not self.started:
            self.started = True
            asyncio.get_running_loop().create_task(self.answer())

    async def answer(self):
        tls = self.transport.get_extra_info("sslcontext") is not None
        try:
            self.transport.write(await respond(self.entry, self.buffer, tls, self.enter))
        finally:
            self.transport.close()


async def respond(entry: dict, request: bytes, tls: bool, enter) -> bytes:
    head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    path = (head[0].split(" ") + ["/", ""])[1]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
    host = headers.get("host", "").rsplit(":", 1)[0].lower() if not headers.get("host", "").startswith("[") else ""
    config = entry["ingress"]
    route = next((r for r in config["routes"] if _host_fits(r["host"], host) and _path_matches(r, path)), None)
    if route is None:
        return _reply(404, "default backend - 404\n")
    if not tls and host in config["redirect"]:
        return _reply(308, "", {"Location": f"https://{host}{path}"})
    if not route["backends"]:
        return _reply(503, "503 Service Temporarily Unavailable\n")
    return await _proxy(entry, random.choice(route["backends"]), request, enter)


def _host_fits(rule_host: str, host: str) -> bool:
    """Exact, a rule for any host, or `*.example.com` for exactly one more label."""
    if rule_host in ("", host):
        return True
    return rule_host.startswith("*.") and host.endswith(rule_host[1:]) and host.count(".") == rule_host.count(".")


def _path_matches(route: dict, path: str) -> bool:
    path = path.split("?", 1)[0]
    if route["exact"]:
        return path == route["path"]
    prefix = route["path"].rstrip("/")
    return path == prefix or path.startswith(prefix + "/") or not prefix


async def _proxy(entry: dict, backend: list, request: bytes, enter) -> bytes:
    sock = _socket_in(entry["netns"], enter)
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.sock_connect(sock, tuple(backend)), PROXY_TIMEOUT)
        reader, writer = await asyncio.open_connection(sock=sock)
        writer.write(request)
        answer = await asyncio.wait_for(reader.read(-1), PROXY_TIMEOUT)
        writer.close()
        return answer or _reply(502, "502 Bad Gateway\n")
    except asyncio.TimeoutError:
        sock.close()
        return _reply(504, "504 Gateway Time-out\n")
    except OSError:
        sock.close()
        return _reply(502, "502 Bad Gateway\n")


def _socket_in(netns_path: str, enter) -> socket.socket:
    """A client socket of the controller pod's network namespace (this thread returns home after)."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        enter(netns_path)
        sock = socket.socket()
    finally:
        enter(f"/proc/self/fd/{home}")
        os.close(home)
    sock.setblocking(False)
    return sock


REASONS = {308: "Permanent Redirect", 404: "Not Found", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out"}


def _reply(status: int, body: str, headers: dict | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}", "Server: nginx", "Content-Type: text/plain",
             f"Content-Length: {len(body)}", *[f"{k}: {v}" for k, v in (headers or {}).items()], "Connection: close", "", ""]
    return "\r\n".join(lines).encode() + body.encode()
