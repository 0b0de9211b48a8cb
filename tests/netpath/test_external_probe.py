"""Probes from this machine (SRC `external`): real sockets against listeners on 127.0.0.1.

The request carries the URL's host in the Host header and in SNI (not the address it connects to),
and the certificate served is read back from a real TLS handshake."""
import datetime
import http.server
import socket
import ssl
import threading

import pytest

from netdebug.probe import external


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        Recorder.seen.append(self.headers.get("Host"))
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


def serve(context: ssl.SSLContext | None = None):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def plain():
    httpd = serve()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_tcp_connected_and_refused(plain):
    assert external.tcp("127.0.0.1", plain, 1.0)["outcome"] == "connected"
    assert external.tcp("127.0.0.1", closed_port(), 1.0)["outcome"] == "refused"


def test_http_sends_the_url_host_not_the_address(plain):
    """Regression: the Ingress probe used to send `Host: <the load balancer IP>`."""
    Recorder.seen.clear()
    result = external.http("127.0.0.1", plain, "shop.example.com", "/", 1.0, tls=False)
    assert (result["outcome"], result["status"]) == ("http", 200)
    assert Recorder.seen == [f"shop.example.com:{plain}"]
    assert external.http("127.0.0.1", plain, "shop.example.com", "/missing", 1.0, tls=False)["status"] == 404
    assert external.http("127.0.0.1", closed_port(), "x.example.com", "/", 1.0, tls=False)["outcome"] == "refused"


def test_resolve_localhost():
    result = external.resolve("localhost", 2.0)
    assert result["outcome"] == "resolved" and "127.0.0.1" in result["addresses"]


@pytest.fixture
def tls_server(tmp_path):
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop.example.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("shop.example.com")]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    names = []
    context.sni_callback = lambda conn, server_name, ctx: names.append(server_name)
    httpd = serve(context)
    yield httpd.server_address[1], names
    httpd.shutdown()
    httpd.server_close()


def test_https_handshake_reads_the_certificate_with_sni(tls_server):
    port, names = tls_server
    Recorder.seen.clear()
    result = external.http("127.0.0.1", port, "shop.example.com", "/", 2.0, tls=True)
    assert (result["outcome"], result["status"]) == ("http", 200)
    cert = result["certificate"]
    assert cert["subject"]["commonName"] == "shop.example.com" and cert["dnsNames"] == ["shop.example.com"]
    assert cert["verify"]["ok"] is False and "self-signed" in cert["verify"]["message"]  # not a CA this machine trusts
    assert set(names) == {"shop.example.com"} and Recorder.seen == [f"shop.example.com:{port}"]


def test_sni_is_never_an_address(tls_server):
    port, names = tls_server
    external.http("127.0.0.1", port, "127.0.0.1", "/", 2.0, tls=True)
    assert set(names) == {None}
