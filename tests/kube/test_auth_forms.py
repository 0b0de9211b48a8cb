"""Every kubeconfig authentication form reaches a real HTTPS API server, loading only what it needs.

kube/library.py defers requests, oauthlib, requests-oauthlib and dateutil until a kubeconfig needs
them. Each test writes a kubeconfig for one auth form, lists pods in a fresh interpreter through
netdebug's live path against a small TLS server on 127.0.0.1, and checks what the server received
(bearer token, basic auth, client certificate) and which of the deferred libraries were loaded.
"""
import base64
import datetime
import json
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

pytest.importorskip("cryptography")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from tests.sim.apiserver.certs import generate  # noqa: E402

DEFERRED = ("requests", "requests.utils", "oauthlib", "requests_oauthlib", "dateutil", "multiprocessing")
POD_LIST = {"kind": "PodList", "apiVersion": "v1", "metadata": {},
            "items": [{"metadata": {"name": "web-1", "namespace": "shop"}, "spec": {}, "status": {}}]}


def jwt(expires_in: float, name: str) -> str:
    """An unsigned JWT: the client only reads its `exp`; the API server here compares the string."""
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none'})}.{part({'exp': int(time.time() + expires_in), 'sub': name})}.sig"


class FakeApiServer(ThreadingHTTPServer):
    """Answers GET .../pods for the expected credential and plays the OIDC issuer (discovery + token)."""

    def __init__(self, certs, client_ca: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certs.cert, certs.key)
        context.verify_mode = ssl.CERT_OPTIONAL  # a client certificate is one of the forms under test
        context.load_verify_locations(client_ca)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server_address[1]}"
        self.accepted: set[str] = set()  # "Bearer x", "Basic x" or "cert:CN"
        self.seen: list[str] = []
        self.refreshed_token = jwt(3600, "refreshed")


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def credential(self) -> str:
        peer = self.connection.getpeercert()
        if peer:
            return "cert:" + dict(item[0] for item in peer["subject"])["commonName"]
        return self.headers.get("Authorization", "")

    def reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/.well-known/openid-configuration":
            return self.reply(200, {"issuer": self.server.url, "token_endpoint": self.server.url + "/token"})
        self.server.seen.append(self.credential())
        if self.credential() not in self.server.accepted:
            return self.reply(401, {"kind": "Status", "status": "Failure", "reason": "Unauthorized", "code": 401})
        return self.reply(200, POD_LIST)

    def do_POST(self):  # the OIDC token endpoint: a refresh grant gets a new id-token
        form = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.path != "/token" or "grant_type=refresh_token" not in form:
            return self.reply(400, {"error": "invalid_request"})
        return self.reply(200, {"access_token": "access", "token_type": "Bearer", "expires_in": 3600,
                                "id_token": self.server.refreshed_token, "refresh_token": "refresh-2"})


def client_certificate(directory, common_name: str) -> tuple[str, str]:
    """A self-signed client certificate (the server trusts it directly) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = directory / f"{common_name}.crt", directory / f"{common_name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("auth")
    cert, key = client_certificate(directory, "alice")
    api = FakeApiServer(generate(directory), cert)
    api.client_cert, api.client_key = cert, key
    api.ca_data = base64.b64encode((directory / "ca.crt").read_bytes()).decode()
    thread = threading.Thread(target=api.serve_forever, daemon=True)
    thread.start()
    yield api
    api.shutdown()
    api.server_close()


def b64_file(path: str) -> str:
    with open(path, "rb") as handle:
        return base64.b64encode(handle.read()).decode()


def write_kubeconfig(server, directory, user: dict):
    """A kubeconfig for this server with one user entry (namespace shop), written into `directory`."""
    config = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
              "clusters": [{"name": "c", "cluster": {"server": server.url,
                                                     "certificate-authority-data": server.ca_data}}],
              "users": [{"name": "u", "user": user}],
              "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u", "namespace": "shop"}}]}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def list_pods(server, tmp_path, user: dict, env: dict | None = None) -> dict:
    """List pods through netdebug's live path in a fresh interpreter; what it got and what it loaded."""
    path = write_kubeconfig(server, tmp_path, user)
    code = textwrap.dedent(f"""\
        import json, sys
        from netdebug.cli.options import ClusterOptions
        from netdebug.kube.fetch import fetch_snapshot
        snapshot = fetch_snapshot(ClusterOptions(kubeconfig={str(path)!r}), ("Pod",))
        loaded = sorted(name for name in {DEFERRED!r}
                        if name in sys.modules and type(sys.modules[name]).__name__ == "module")
        print(json.dumps({{"pods": [p["metadata"]["name"] for p in snapshot.of("Pod")], "loaded": loaded}}))
        """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**clean_env(), **(env or {})})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def clean_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != "KUBECONFIG"}


def expect(server, credential: str) -> None:
    server.accepted = {credential}
    server.seen.clear()


def test_static_token(server, tmp_path):
    expect(server, "Bearer t0ken")
    assert list_pods(server, tmp_path, {"token": "t0ken"}) == {"pods": ["web-1"], "loaded": []}


def test_token_file(server, tmp_path):
    (tmp_path / "token").write_text("from-file\n")
    expect(server, "Bearer from-file")
    assert list_pods(server, tmp_path, {"tokenFile": str(tmp_path / "token")})["pods"] == ["web-1"]


def test_basic_auth(server, tmp_path):
    expect(server, "Basic " + base64.b64encode(b"admin:secret").decode())
    assert list_pods(server, tmp_path, {"username": "admin", "password": "secret"}) == {"pods": ["web-1"],
                                                                                      "loaded": []}


def test_client_certificate_data_and_files(server, tmp_path):
    expect(server, "cert:alice")
    data = {"client-certificate-data": b64_file(server.client_cert), "client-key-data": b64_file(server.client_key)}
    assert list_pods(server, tmp_path, data) == {"pods": ["web-1"], "loaded": []}
    files = {"client-certificate": server.client_cert, "client-key": server.client_key}
    assert list_pods(server, tmp_path, files)["pods"] == ["web-1"]


def exec_plugin(tmp_path, status: dict) -> dict:
    script = tmp_path / "credential-helper"
    script.write_text(f"#!{sys.executable}\nimport json\nprint(json.dumps({{'apiVersion': "
                      f"'client.authentication.k8s.io/v1', 'kind': 'ExecCredential', 'status': {status!r}}}))\n")
    script.chmod(0o755)
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(script),
                     "interactiveMode": "Never"}}


def test_exec_credential_token_and_client_certificate(server, tmp_path):
    expect(server, "Bearer from-plugin")
    assert list_pods(server, tmp_path, exec_plugin(tmp_path, {"token": "from-plugin"})) == {"pods": ["web-1"],
                                                                                          "loaded": []}
    expect(server, "cert:alice")
    with open(server.client_cert) as cert, open(server.client_key) as key:
        status = {"clientCertificateData": cert.read(), "clientKeyData": key.read()}
    assert list_pods(server, tmp_path, exec_plugin(tmp_path, status))["pods"] == ["web-1"]


def oidc(server, id_token: str) -> dict:
    return {"auth-provider": {"name": "oidc", "config": {
        "client-id": "netdebug", "client-secret": "s3cret", "id-token": id_token, "refresh-token": "refresh-1",
        "idp-issuer-url": server.url, "idp-certificate-authority-data": server.ca_data}}}


def test_oidc_valid_id_token_needs_no_oauth_library(server, tmp_path):
    token = jwt(3600, "valid")
    expect(server, f"Bearer {token}")
    assert list_pods(server, tmp_path, oidc(server, token)) == {"pods": ["web-1"], "loaded": []}


def test_oidc_expired_id_token_is_refreshed_with_the_real_oauth_libraries(server, tmp_path):
    expect(server, f"Bearer {server.refreshed_token}")
    result = list_pods(server, tmp_path, oidc(server, jwt(-60, "expired")))
    assert result["pods"] == ["web-1"] and server.seen == [f"Bearer {server.refreshed_token}"]
    assert {"requests", "requests_oauthlib", "oauthlib"} <= set(result["loaded"])


def test_proxy_settings_load_requests_to_decide_and_no_proxy_goes_direct(server, tmp_path):
    expect(server, "Bearer t0ken")
    env = {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1"}
    assert list_pods(server, tmp_path, {"token": "t0ken"}, env) == {"pods": ["web-1"], "loaded": ["requests.utils"]}
