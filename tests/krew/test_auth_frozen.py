"""The kubeconfig auth forms through the frozen bundle: the modules rare forms load (requests and oauthlib
for an OIDC refresh, requests.utils for proxy settings, dateutil with decimal underneath) sit compressed
in its archive, and the C accelerators of decimal and pickle are left out.

Each case completes pod names the way kubectl asks (`netdebug netpath __complete ...`) against the TLS
server of tests/kube/test_auth_forms.py, which answers only the expected credential."""
import subprocess

import pytest

import netdebug

pytestmark = pytest.mark.slow
auth = pytest.importorskip("tests.kube.test_auth_forms", reason="needs cryptography (a test dependency)")
server = auth.server  # the module-scoped fixture


def complete_pods(krew_root, server, tmp_path, user: dict, env: dict | None = None) -> list[str]:
    path = auth.write_kubeconfig(server, tmp_path, user)
    executable = krew_root / "store" / "netpath" / f"v{netdebug.__version__}" / "netdebug" / "netdebug"
    done = subprocess.run([str(executable), "netpath", "__complete", "--kubeconfig", str(path), "-n", "shop", "w"],
                          capture_output=True, text=True, timeout=60,
                          env={**auth.clean_env(), "XDG_CACHE_HOME": str(tmp_path / "cache"), **(env or {})})
    assert done.returncode == 0, done.stderr
    return [line.split("\t")[0] for line in done.stdout.splitlines() if not line.startswith(":")]


def test_token_and_client_certificate(krew_root, server, tmp_path):
    auth.expect(server, "Bearer t0ken")
    assert complete_pods(krew_root, server, tmp_path, {"token": "t0ken"}) == ["web-1"]
    auth.expect(server, "cert:alice")
    user = {"client-certificate-data": auth.b64_file(server.client_cert),
            "client-key-data": auth.b64_file(server.client_key)}
    assert complete_pods(krew_root, server, tmp_path / "cert", user) == ["web-1"]


def test_exec_credential_plugin(krew_root, server, tmp_path):
    auth.expect(server, "Bearer from-plugin")
    assert complete_pods(krew_root, server, tmp_path, auth.exec_plugin(tmp_path, {"token": "from-plugin"})) == ["web-1"]


def test_expired_oidc_token_is_refreshed_by_the_bundles_oauth_libraries(krew_root, server, tmp_path):
    auth.expect(server, f"Bearer {server.refreshed_token}")
    user = auth.oidc(server, auth.jwt(-60, "expired"))
    assert complete_pods(krew_root, server, tmp_path, user) == ["web-1"]
    assert server.seen == [f"Bearer {server.refreshed_token}"]


def test_proxy_settings_with_no_proxy(krew_root, server, tmp_path):
    auth.expect(server, "Bearer t0ken")
    env = {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1"}
    assert complete_pods(krew_root, server, tmp_path, {"token": "t0ken"}, env) == ["web-1"]
