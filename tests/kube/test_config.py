"""Kubeconfig resolution like kubectl: --kubeconfig, KUBECONFIG merging, contexts, namespaces, auth plugins."""
import os
import stat
import subprocess
import sys
import textwrap

import pytest
import yaml

from netdebug.cli.options import ClusterOptions
from netdebug.errors import ClusterError, InputError
from netdebug.kube.config import load_config
from netdebug.kube.fetch import fetch_snapshot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def kubeconfig(path, current, contexts, users=None, server="https://127.0.0.1:6443"):
    users = users or {"u": {"token": "tok-u"}}
    doc = {"apiVersion": "v1", "kind": "Config",
           "clusters": [{"name": "c", "cluster": {"server": server, "insecure-skip-tls-verify": True}}],
           "users": [{"name": name, "user": body} for name, body in users.items()],
           "contexts": [{"name": name, "context": {"cluster": "c", "user": next(iter(users)), **body}}
                        for name, body in contexts.items()]}
    if current:
        doc["current-context"] = current
    path.write_text(yaml.safe_dump(doc))
    return str(path)


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return monkeypatch


def test_explicit_kubeconfig_context_and_namespace(env, tmp_path):
    path = kubeconfig(tmp_path / "a", "one", {"one": {"namespace": "shop"}, "two": {}})
    config = load_config(ClusterOptions(kubeconfig=path))
    assert (config.context, config.namespace, config.server) == ("one", "shop", "https://127.0.0.1:6443")
    assert config.configuration.api_key["BearerToken"] == "Bearer tok-u"
    assert load_config(ClusterOptions(kubeconfig=path, context="two")).namespace == "default"
    assert load_config(ClusterOptions(kubeconfig=path, namespace="x")).namespace == "x"


def test_kubeconfig_env_merges_files_first_wins(env, tmp_path):
    first = kubeconfig(tmp_path / "first", None, {"shared": {"namespace": "from-first"}})
    second = kubeconfig(tmp_path / "second", "shared", {"shared": {"namespace": "from-second"}, "only2": {}},
                        users={"u": {"token": "tok-second"}})
    third = kubeconfig(tmp_path / "third", "only2", {"only3": {"namespace": "three"}})
    env.setenv("KUBECONFIG", os.pathsep.join([first, str(tmp_path / "missing"), second, third]))
    config = load_config(ClusterOptions())
    # current-context from the first file that sets one (second), context body from the first defining it.
    assert (config.context, config.namespace) == ("shared", "from-first")
    assert config.configuration.api_key["BearerToken"] == "Bearer tok-u"
    assert load_config(ClusterOptions(context="only3")).namespace == "three"


def test_unknown_context_and_missing_files(env, tmp_path):
    path = kubeconfig(tmp_path / "a", "one", {"one": {}})
    with pytest.raises(InputError, match=r"context 'nope' not found in the kubeconfig \(contexts: one\)"):
        load_config(ClusterOptions(kubeconfig=path, context="nope"))
    with pytest.raises(InputError, match="kubeconfig /no/such: no such file"):
        load_config(ClusterOptions(kubeconfig="/no/such"))
    with pytest.raises(ClusterError, match="no kubeconfig found"):
        load_config(ClusterOptions())
    no_current = kubeconfig(tmp_path / "b", None, {"one": {}})
    with pytest.raises(InputError, match="sets no current context"):
        load_config(ClusterOptions(kubeconfig=no_current))


def test_broken_kubeconfig_is_one_line(env, tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("clusters: [oops\n")
    with pytest.raises(ClusterError, match="kubeconfig .*bad: "):
        load_config(ClusterOptions(kubeconfig=str(bad)))
    dangling = tmp_path / "dangling"
    dangling.write_text(yaml.safe_dump({"current-context": "x", "contexts": [{"name": "x", "context": {"cluster": "gone"}}]}))
    with pytest.raises(ClusterError, match="kubeconfig context 'x'"):
        load_config(ClusterOptions(kubeconfig=str(dangling)))


def exec_plugin(tmp_path, token):
    script = tmp_path / "credential-helper"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import json, os, sys
        assert json.loads(os.environ["KUBERNETES_EXEC_INFO"])["kind"] == "ExecCredential"
        print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                          "status": {{"token": {token!r} + sys.argv[1]}}}}))
        """))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(script), "args": ["-x"],
                     "interactiveMode": "Never"}}


def test_exec_credential_plugin(env, tmp_path):
    path = kubeconfig(tmp_path / "a", "one", {"one": {}}, users={"u": exec_plugin(tmp_path, "from-plugin")})
    assert load_config(ClusterOptions(kubeconfig=path)).configuration.api_key["BearerToken"] == "Bearer from-plugin-x"


def test_failing_exec_credential_plugin_is_one_line(env, tmp_path, capsys):
    users = {"u": {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(tmp_path / "absent")}}}
    path = kubeconfig(tmp_path / "a", "one", {"one": {}}, users=users)
    with pytest.raises(ClusterError, match=r"kubeconfig context 'one': could not get credentials: .*absent"):
        load_config(ClusterOptions(kubeconfig=path))
    assert capsys.readouterr().err == ""


def test_client_certificate_auth(env, tmp_path):
    users = {"u": {"client-certificate-data": "Y2VydA==", "client-key-data": "a2V5"}}
    config = load_config(ClusterOptions(kubeconfig=kubeconfig(tmp_path / "a", "one", {"one": {}}, users=users)))
    with open(config.configuration.cert_file) as cert, open(config.configuration.key_file) as key:
        assert (cert.read(), key.read()) == ("cert", "key")


def test_unreachable_api_server_is_one_line_exit_3(tmp_path):
    config = os.path.join(ROOT, "tests/kube/unreachable.kubeconfig")
    with pytest.raises(ClusterError, match=r"cannot reach the API server https://127.0.0.1:9 \(context gone\) "
                                           r"to list pods in namespace lab: connection refused"):
        fetch_snapshot(ClusterOptions(kubeconfig=config), ("Pod",))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "kubectl-netpolicy"), "matrix",
                             "--kubeconfig", config], capture_output=True, text=True)
    assert result.returncode == 3, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: cannot reach the API server")
