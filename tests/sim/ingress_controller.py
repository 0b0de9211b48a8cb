"""The simulated ingress controller: what ingress-nginx does with the Ingresses of its class.

Controller pods are the pods behind an IngressClass's `sim.netdebug.io/publish-service` Service. On
their listening ports (HTTPS on the `sim.netdebug.io/tls` ones) they route by Host and path (Exact,
Prefix, longest first), proxy to a ready endpoint of the backend Service from the controller's own
network namespace (502 refused, 504 no answer within 1 s), answer 503 when the backend has no ready
endpoint, 404 from the default backend when no rule matches, and redirect plain HTTP to HTTPS (308)
for hosts listed under `tls`. With TLS, SNI picks the Secret's certificate for the host, else the
self-signed default ("Kubernetes Ingress Controller Fake Certificate"), as ingress-nginx does.
"""
import asyncio
import base64
import binascii
import os
import random
import socket
import ssl

from netdebug.model.selectors import matches

from .kubeproxy import service_ports
from .scenario import annotation

PROXY_TIMEOUT = 1.0
DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"


def attach(sockets: list[dict], objects: list[dict], certs, directory: str) -> None:
    """Add `ingress` (routes, certificates) to the listener entries of controller pods."""
    ports = service_ports(objects)
    for ingress_class in (o for o in objects if o["kind"] == "IngressClass" and annotation(o, "publish-service")):
        config = {"routes": _routes(objects, ingress_class, ports), "fake": [certs.fake_cert, certs.fake_key],
                  "certs": _certs(objects, ingress_class, directory), "redirect": _tls_hosts(objects, ingress_class)}
        pods = _controller_pods(objects, annotation(ingress_class, "publish-service"))
        for entry in sockets:
            if entry["pod"] in pods and entry["protocol"] == "TCP":
                entry["ingress"] = config


def _controller_pods(objects: list[dict], service_ref: str) -> set[str]:
    namespace, _, name = service_ref.partition("/")
    service = next((o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == name
                    and o["metadata"].get("namespace") == namespace), None)
    selector = {"matchLabels": ((service or {}).get("spec") or {}).get("selector") or {"": ""}}
    return {f"{namespace}/{p['metadata']['name']}" for p in objects if p["kind"] == "Pod"
            and p["metadata"].get("namespace") == namespace and matches(selector, p["metadata"].get("labels") or {})}


def _served(objects: list[dict], ingress_class: dict) -> list[dict]:
    name, default = ingress_class["metadata"]["name"], annotation_value(ingress_class, DEFAULT_CLASS) == "true"
    return [o for o in objects if o["kind"] == "Ingress" and
            ((o.get("spec") or {}).get("ingressClassName") == name or
             (default and not (o.get("spec") or {}).get("ingressClassName")))]


def annotation_value(obj: dict, key: str) -> str | None:
    return ((obj.get("metadata") or {}).get("annotations") or {}).get(key)


def _routes(objects: list[dict], ingress_class: dict, ports) -> list[dict]:
    routes = []
    for ingress in _served(objects, ingress_class):
        namespace = ingress["metadata"]["namespace"]
        for rule in (ingress.get("spec") or {}).get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                routes.append({"host": (rule.get("host") or "").lower(), "path": path.get("path") or "/",
                               "exact": path.get("pathType") == "Exact",
                               "backends": _endpoints(objects, ports, namespace, backend)})
    return sorted(routes, key=lambda r: (not r["host"], -len(r["path"])))


def _endpoints(objects: list[dict], ports, namespace: str, backend: dict) -> list[list]:
    service = next((o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == backend.get("name")
                    and o["metadata"].get("namespace") == namespace), None)
    wanted = backend.get("port") or {}
    port = next((p for p in ((service or {}).get("spec") or {}).get("ports") or []
                 if p.get("port") == wanted.get("number") or (p.get("name") and p.get("name") == wanted.get("name"))),
                None)
    if port is None:
        return []
    ref = f"{namespace}/{backend['name']}:{port.get('name') or port['port']}"
    return [list(e) for sp in ports if sp.ref == ref and sp.protocol == "TCP" for e in sp.endpoints]


def _tls_hosts(objects: list[dict], ingress_class: dict) -> list[str]:
    return sorted({h.lower() for i in _served(objects, ingress_class) for t in (i.get("spec") or {}).get("tls") or []
                   for h in t.get("hosts") or []})


def _certs(objects: list[dict], ingress_class: dict, directory: str) -> dict:
    """host -> [cert file, key file] for TLS hosts whose Secret exists and holds a usable pair."""
    found = {}
    for ingress in _served(objects, ingress_class):
        namespace = ingress["metadata"]["namespace"]
        for tls in (ingress.get("spec") or {}).get("tls") or []:
            secret = next((o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == tls.get("secretName")
                           and o["metadata"].get("namespace") == namespace), None)
            pair = _write_pair(secret, directory) if secret else None
            found.update({h.lower(): pair for h in tls.get("hosts") or [] if pair})
    return found


def _write_pair(secret: dict, directory: str) -> list[str] | None:
    try:
        data = {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}
    except (binascii.Error, ValueError):
        return None
    base = os.path.join(directory, f"{secret['metadata']['namespace']}_{secret['metadata']['name']}")
    paths = [base + ".crt", base + ".key"]
    for path, key in zip(paths, ("tls.crt", "tls.key")):
        with open(path, "wb") as stream:
            stream.write(data.get(key, b""))
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(*paths)
    except (ssl.SSLError, OSError):
        return None  # not a usable certificate: the controller falls back to its default one
    return paths


# -- in the listener daemon ------------------------------------------------------------------
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
    route = next((r for r in config["routes"] if r["host"] in ("", host) and _path_matches(r, path)), None)
    if route is None:
        return _reply(404, "default backend - 404\n")
    if not tls and host in config["redirect"]:
        return _reply(308, "", {"Location": f"https://{host}{path}"})
    if not route["backends"]:
        return _reply(503, "503 Service Temporarily Unavailable\n")
    return await _proxy(entry, random.choice(route["backends"]), request, enter)


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
