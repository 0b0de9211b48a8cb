"""netpolicy check and who-can-reach list only the workload kinds their references name (a cluster's
ReplicaSets are many); a miss lists the others, so the error still names what exists."""
import pytest

from tests.faults.harness import reads
from tests.support import run_plugin

pytestmark = pytest.mark.sim
WORKLOADS = {"deployments", "statefulsets", "daemonsets", "replicasets"}


def listed(sim, capsys, *args) -> tuple[int, str, set]:
    sim.server.take_requests()
    code, out, err = run_plugin(capsys, "netpolicy", *args, "--kubeconfig", sim.kubeconfig, "--context", "sim")
    return code, out + err, {resource for verb, resource, _ in reads(sim.server.take_requests()) if verb == "list"}


@pytest.mark.parametrize("sim_cluster", ["examples/shop"], indirect=True)
def test_only_the_workload_kinds_named_are_listed(sim_cluster, capsys):
    code, _, kinds = listed(sim_cluster, capsys, "check", "shop/deploy/frontend", "shop/deploy/backend", "--port", "8080")
    assert code == 0 and kinds & WORKLOADS == {"deployments"}
    assert {"pods", "networkpolicies", "namespaces", "nodes"} <= kinds
    code, out, _ = listed(sim_cluster, capsys, "check", "shop/deploy/frontend", "shop/deploy/backend")
    pod = out.split("-> ")[1].split()[0]
    code, _, kinds = listed(sim_cluster, capsys, "who-can-reach", pod)
    assert code == 0 and kinds & WORKLOADS == set()


@pytest.mark.parametrize("sim_cluster", ["examples/shop"], indirect=True)
def test_a_miss_lists_the_other_workload_kinds_to_suggest_a_name(sim_cluster, capsys):
    code, out, kinds = listed(sim_cluster, capsys, "check", "-n", "shop", "frontend", "deploy/backend", "--port", "8080")
    assert code == 2 and "Pod frontend not found in namespace shop; found shop/deploy/frontend" in out
    assert WORKLOADS <= kinds
