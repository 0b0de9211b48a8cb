"""Golden outputs of check, matrix, who-can-reach and reachable-from, from manifests (-f) and from
the simulated cluster (live): both must produce the very same bytes."""
from pathlib import Path

import pytest

from netdebug.cli.netpolicy import command
from netdebug.model.gaps import Unanswerable
from tests import support

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCENARIO = "tests/policy/manifests/golden"
ROOT = HERE.parents[1]
SHOP = str(ROOT / "examples" / "shop")

# golden file -> (arguments, exit code)
COMMANDS = {
    "check-allowed.txt": (["check", "-n", "app", "web-7f9c4-aaaaa", "api-0", "--port", "grpc"], 0),
    "check-denied.txt": (["check", "app/web-7f9c4-bbbbb", "app/api-0", "--port", "9000"], 1),
    "check-denied.json": (["check", "app/web-7f9c4-bbbbb", "app/api-0", "--port", "9000", "-o", "json"], 1),
    "check-connections.txt": (["check", "ops/probe", "app/api-0"], 0),
    "check-connections.yaml": (["check", "ops/probe", "app/api-0", "-o", "yaml"], 0),
    "check-external-wide.txt": (["check", "10.244.2.99", "app/api-0", "--port", "9150", "-o", "wide"], 0),
    "check-hostnetwork.txt": (["check", "ops/agent", "app/db", "--port", "5432"], 1),
    "check-egress-to-ip.txt": (["check", "-n", "app", "db", "203.0.113.7", "--port", "443"], 1),
    "matrix.txt": (["matrix"], 0),
    "matrix-port.txt": (["matrix", "--port", "9000"], 0),
    "matrix-wide.txt": (["matrix", "-o", "wide", "--port", "8080"], 0),
    "matrix-port.json": (["matrix", "-o", "json", "--port", "9000"], 0),
    "matrix-app.json": (["matrix", "-o", "json", "-n", "app"], 0),
    "matrix-ops.yaml": (["matrix", "-o", "yaml", "-n", "ops"], 0),
    "matrix.csv": (["matrix", "-o", "csv"], 0),
    "matrix-port.csv": (["matrix", "-o", "csv", "--port", "8080", "-l", "app in (web,api)"], 0),
    "matrix.dot": (["matrix", "-o", "dot"], 0),
    "matrix-port.dot": (["matrix", "-o", "dot", "--port", "9000"], 0),
    "who-can-reach-wide.txt": (["who-can-reach", "app/api-0", "-o", "wide"], 0),
    "who-can-reach-port.json": (["who-can-reach", "-n", "app", "web-7f9c4-aaaaa", "--port", "http", "-o", "json"], 0),
    "reachable-from.txt": (["reachable-from", "app/api-0"], 0),
    "reachable-from-port.yaml": (["reachable-from", "ops/probe", "--port", "8080", "-o", "yaml"], 0),
}
SHOP_COMMANDS = {
    "shop-matrix.txt": (["matrix", "-f", SHOP], 0),
    "shop-check.txt": (["check", "-f", SHOP, "monitoring/prometheus", "shop/deploy/backend", "--port", "api"], 1),
    "shop-check-allowed.txt": (["check", "-f", SHOP, "-n", "shop", "frontend", "backend", "--port", "8080"], 0),
    "shop-who-can-reach.txt": (["who-can-reach", "-f", SHOP, "shop/frontend", "--port", "80"], 0),
}


def run(args: list[str]) -> tuple[int, str]:
    return support.invoke(command, "kubectl-netpolicy", args)


def compare(name: str, actual: str) -> None:
    support.check_golden(GOLDEN, name, actual)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_golden_from_manifests(name):
    args, expected_code = COMMANDS[name]
    code, out = run([*args, "-f", str(ROOT / SCENARIO)])
    assert code == expected_code
    compare(name, out)


@pytest.mark.parametrize("name", sorted(SHOP_COMMANDS))
def test_golden_shop(name):
    args, expected_code = SHOP_COMMANDS[name]
    code, out = run(args)
    assert code == expected_code
    compare(name, out)


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)
def test_golden_from_live_simulated_cluster(sim_cluster):
    """Every golden, again, with the objects listed from the (simulated) API server."""
    for name, (args, expected_code) in sorted(COMMANDS.items()):
        code, out = run([*args, "--kubeconfig", sim_cluster.kubeconfig, "--context", "sim"])
        assert (name, code) == (name, expected_code)
        assert out == (GOLDEN / name).read_text(), f"live output differs from {GOLDEN / name}"


ADMIN_SCENARIO = "tests/policy/manifests/admin"
ADMIN_COMMANDS = {
    "admin-check-deny.txt": (["check", "ops/probe", "app/db", "--port", "5432"], 1),
    "admin-check-accept.txt": (["check", "ops/probe", "app/api-0", "--port", "metrics"], 0),
    "admin-check-pass.txt": (["check", "app/api-0", "app/db", "--port", "5432"], 0),
    "admin-check-connections.txt": (["check", "ops/probe", "app/api-0"], 0),
    "admin-check-deny.json": (["check", "ops/probe", "app/db", "--port", "5432", "-o", "json"], 1),
    "admin-matrix.txt": (["matrix"], 0),
}


@pytest.mark.parametrize("name", sorted(ADMIN_COMMANDS))
def test_golden_admin_from_manifests(name):
    args, expected_code = ADMIN_COMMANDS[name]
    code, out = run([*args, "-f", str(ROOT / SCENARIO), "-f", str(ROOT / ADMIN_SCENARIO)])
    assert code == expected_code
    compare(name, out)


@pytest.mark.sim
def test_golden_admin_from_live_simulated_cluster(tmp_path):
    """The admin goldens again, from a simulated cluster serving the admin policy CRDs."""
    import shutil

    from tests.conftest import sim_unavailable, unique_run_name

    reason = sim_unavailable()
    if reason:
        pytest.skip(reason)
    from tests.sim.cluster import SimCluster

    for source in (SCENARIO, ADMIN_SCENARIO):
        shutil.copytree(ROOT / source, tmp_path / "scenario" / Path(source).name)
    sim = SimCluster.start(str(tmp_path / "scenario"), name=unique_run_name())
    try:
        for name, (args, expected_code) in sorted(ADMIN_COMMANDS.items()):
            code, out = run([*args, "--kubeconfig", sim.kubeconfig, "--context", "sim"])
            assert (name, code) == (name, expected_code)
            assert out == (GOLDEN / name).read_text(), f"live output differs from {GOLDEN / name}"
    finally:
        sim.stop()


WORKLOAD_COMMANDS = {
    "workload-check-differs.txt": (["check", "app/deploy/web", "app/api-0", "--port", "9000"], 0),
    "workload-check-differs.json": (["check", "app/deploy/web", "app/api-0", "-o", "json"], 0),
}


@pytest.mark.parametrize("name", sorted(WORKLOAD_COMMANDS))
def test_golden_workload_pods_that_differ(name):
    args, expected_code = WORKLOAD_COMMANDS[name]
    code, out = run([*args, "-f", str(ROOT / SCENARIO), "-f", str(ROOT / "tests/policy/manifests/workload")])
    assert code == expected_code
    compare(name, out)


@pytest.mark.parametrize("name", ["matrix.dot", "matrix-port.dot"])
def test_dot_output_renders_with_graphviz(name, tmp_path):
    """Graphviz accepts the matrix graph and draws every workload."""
    import shutil
    import subprocess

    if not shutil.which("dot"):
        pytest.skip("graphviz `dot` is not installed (apt-get install graphviz)")
    svg = subprocess.run(["dot", "-Tsvg", str(GOLDEN / name)], capture_output=True, text=True, timeout=60)
    assert svg.returncode == 0, svg.stderr
    for workload in ("app/api", "app/db", "app/web", "ops/agent", "ops/probe"):
        assert f"<title>{workload}</title>" in svg.stdout


@pytest.mark.sim
def test_forbidden_policy_list_is_said_not_hidden(tmp_path):
    """RBAC: a user who may not list NetworkPolicies gets no verdict (exit 3) naming what it could not see."""
    import json
    import shutil

    from tests.conftest import sim_unavailable, unique_run_name

    reason = sim_unavailable()
    if reason:
        pytest.skip(reason)
    from tests.sim.cluster import SimCluster

    shutil.copytree(ROOT / SCENARIO, tmp_path / "scenario")
    (tmp_path / "scenario" / "90-faults.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: netdebug-sim, namespace: kube-system, "
        "labels: {sim.netdebug.io/scenario: 'true'}}\ndata:\n  faults: |\n"
        "    - {user: limited, verb: list, resource: networkpolicies, action: forbid}\n")
    sim = SimCluster.start(str(tmp_path / "scenario"), name=unique_run_name())
    try:
        live = ["--kubeconfig", sim.kubeconfig, "--context", "sim-limited"]
        with pytest.raises(Unanswerable, match=r"^could not list networkpolicies: forbidden — cannot evaluate app/"):
            run(["check", "app/web-7f9c4-bbbbb", "app/api-0", "--port", "9000", "-o", "json", *live])
        with pytest.raises(Unanswerable, match=r"^could not list networkpolicies: forbidden — cannot compute"):
            run(["matrix", *live])
        code, out = run(["check", "app/web-7f9c4-bbbbb", "app/api-0", "--port", "9000", "--kubeconfig",
                         sim.kubeconfig, "--context", "sim"])
        assert code == 1 and "note:" not in out, "the admin context sees the policies"
    finally:
        sim.stop()
