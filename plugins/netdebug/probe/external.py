"""Probes from this machine, as a client outside the cluster sees the way in (SRC `external`).

The system resolver for the name, a TCP connect per address, and HTTP with the URL's Host header
(over TLS with SNI and a real handshake: the certificate served, and whether this machine trusts it
for that name). Each returns a plain dict: outcome, detail, elapsedMs, tool, and what it saw.
"""
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from .certificate import certificate, sni, unverified

USER_AGENT = "kubectl-netpath"
READ_LIMIT = 65536


def resolve(host: str, timeout: float) -> dict:
    """The system resolver's IPv4/IPv6 addresses for host: resolved, nxdomain, or error/timeout."""
    start = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        infos = pool.submit(socket.getaddrinfo, host, None, 0, socket.SOCK_STREAM).result(timeout=timeout)
        found = {"outcome": "resolved", "detail": "", "addresses": sorted({i[4][0] for i in infos})}
    except FutureTimeout:
        found = {"outcome": "timeout", "detail": f"no answer within {timeout:g}s", "addresses": []}
    except socket.gaierror as err:
        missing = err.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
        found = {"outcome": "nxdomain" if missing else "error", "detail": err.strerror or str(err), "addresses": []}
    finally:
        pool.shutdown(wait=False)
    return {**found, "elapsedMs": _since(start), "tool": "getaddrinfo"}


def tcp(address: str, port: int, timeout: float) -> dict:
    """A TCP connect: connected, refused, timeout or error."""
    start = time.monotonic()
    try:
        with socket.create_connection((address, port), timeout=timeout):
            found = {"outcome": "connected", "detail": ""}
    except socket.gaierror as err:  # a load balancer published as a hostname (AWS) that does not resolve here
        missing = err.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
        found = {"outcome": "nxdomain" if missing else "error", "detail": err.strerror or str(err)}
    except OSError as err:
        found = _failure(err, timeout)
    return {**found, "elapsedMs": _since(start), "tool": "socket"}


def udp(address: str, port: int, timeout: float) -> dict:
    """A datagram: answered, refused (ICMP port unreachable) or no-answer (open and quiet, or filtered)."""
    start = time.monotonic()
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
            sock.send(b"\n")
            sock.recv(512)
            found = {"outcome": "answered", "detail": ""}
        except ConnectionRefusedError:
            found = {"outcome": "refused", "detail": "ICMP port unreachable"}
        except (socket.timeout, TimeoutError):
            found = {"outcome": "no-answer", "detail": "UDP is best effort: no reply means open or filtered"}
        except OSError as err:
            found = {"outcome": "error", "detail": str(err)}
    return {**found, "elapsedMs": _since(start), "tool": "socket"}


def http(address: str, port: int, host: str, path: str, timeout: float, tls: bool) -> dict:
    """GET path from address:port with `Host: host` (and SNI host over TLS): outcome "http", the
    status as detail, headers that tell who answered, and the certificate for TLS."""
    start = time.monotonic()
    found: dict = {}
    try:
        if tls:
            found["certificate"] = certificate(address, port, host, timeout)
        found.update(_exchange(address, port, host, path, timeout, tls))
    except (OSError, ssl.SSLError) as err:
        found.update(_failure(err, timeout))
    return {**found, "elapsedMs": _since(start), "tool": "https" if tls else "http"}


def _exchange(address: str, port: int, host: str, path: str, timeout: float, tls: bool) -> dict:
    """The request; over TLS unverified, to see what answers behind a certificate a browser may refuse."""
    with socket.create_connection((address, port), timeout=timeout) as conn:
        stream = unverified().wrap_socket(conn, server_hostname=sni(host)) if tls else conn
        request = (f"GET {path} HTTP/1.1\r\nHost: {_host_header(host, port, tls)}\r\nUser-Agent: {USER_AGENT}\r\n"
                   "Accept: */*\r\nConnection: close\r\n\r\n")
        stream.sendall(request.encode("latin-1"))
        return _parse_response(_read(stream))


def _read(stream) -> bytes:
    data = b""
    while len(data) < READ_LIMIT:
        chunk = stream.recv(8192)
        if not chunk:
            break
        data += chunk
    return data


def _parse_response(data: bytes) -> dict:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return {"outcome": "error", "detail": f"not an HTTP answer: {lines[0][:60]!r}"}
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    seen = {k: headers[k] for k in ("server", "location") if k in headers}
    return {"outcome": "http", "detail": parts[1], "status": int(parts[1]), "headers": seen,
            "body": body[:200].decode("utf-8", "replace").strip()}


def _host_header(host: str, port: int, tls: bool) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port == (443 if tls else 80) else f"{shown}:{port}"


def _failure(err: Exception, timeout: float) -> dict:
    if isinstance(err, ConnectionRefusedError):
        return {"outcome": "refused", "detail": "connection refused"}
    if isinstance(err, (socket.timeout, TimeoutError)):
        return {"outcome": "timeout", "detail": f"no answer within {timeout:g}s"}
    if isinstance(err, ConnectionResetError):
        return {"outcome": "reset", "detail": "connection reset"}
    return {"outcome": "error", "detail": str(err)}


def _since(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)
