"""netpolicy commands on bad input: one line on stderr, the documented exit code, no traceback;
and offline runs never import the kubernetes client."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_SCENARIO = str(ROOT / "tests" / "policy" / "manifests" / "golden")
LAUNCHER = str(ROOT / "kubectl-netpolicy")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, LAUNCHER, *args], capture_output=True, text=True, timeout=60)


def one_error_line(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def write(tmp_path, text: str) -> str:
    path = tmp_path / "objects.yaml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_missing_pod_names_the_namespaces_that_have_it():
    one_error_line(run("check", "-f", GOLDEN_SCENARIO, "-n", "ops", "db", "app/api-0"), 2,
                   "Pod db not found in namespace ops; found app/db; try: kubectl netpolicy check")
    one_error_line(run("check", "-f", GOLDEN_SCENARIO, "-A", "nope", "app/api-0"), 2,
                   "Pod nope not found in any namespace")


def test_ambiguous_pod_lists_namespaces(tmp_path):
    path = write(tmp_path, """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: a}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: b}
        """)
    one_error_line(run("check", "-f", path, "-A", "web", "a/web"), 2, "exists in several namespaces (a, b)")
    one_error_line(run("check", "-f", path, "web", "a/web"), 2, "Pod web not found in namespace default")
    assert run("check", "-f", path, "-n", "b", "web", "a/web").returncode == 0


def test_invalid_policy_is_bad_input(tmp_path):
    path = write(tmp_path, """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: a}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: bad, namespace: a}
        spec:
          podSelector: {}
          ingress:
          - ports: [{port: 80, endPort: 70}]
        """)
    one_error_line(run("matrix", "-f", path), 2, "invalid NetworkPolicy a/bad: ingress rule 0 port 0: endPort 70 < port 80")


def test_unknown_named_port_and_bad_endpoint():
    one_error_line(run("check", "-f", GOLDEN_SCENARIO, "ops/probe", "app/db", "--port", "grpc"), 2,
                   "app/db: no container port named 'grpc' (TCP)")
    one_error_line(run("check", "-f", GOLDEN_SCENARIO, "a/b/c/d", "app/db"), 2, "expected NAME, NS/NAME, KIND/NAME or NS/KIND/NAME")
    one_error_line(run("check", "-f", GOLDEN_SCENARIO, "app/svc/x", "app/db"), 2, "unknown kind 'svc' here (use pod, deploy, sts, ds, rs)")


def test_unreachable_cluster_is_exit_3(tmp_path):
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(textwrap.dedent("""
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """))
    result = run("check", "--kubeconfig", str(kubeconfig), "--request-timeout", "2", "a", "b")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")


@pytest.mark.parametrize("args", [
    ["check", "web-7f9c4-aaaaa", "api-0", "--port", "9000"],
    ["matrix", "-o", "dot"],
    ["who-can-reach", "api-0"],
])
def test_offline_commands_never_import_kubernetes(args):
    code = (f"import sys; sys.argv = ['kubectl-netpolicy', *{args!r}, '-f', {GOLDEN_SCENARIO!r}]\n"
            "from netdebug.cli.netpolicy import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'kubernetes' not in sys.modules, 'kubernetes imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "plugins")
    assert result.returncode == 0, result.stderr
