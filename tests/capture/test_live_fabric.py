"""Node fabric comparison on the `links` scenario: a broken route between two nodes vs a problem of
one destination pod, chosen peers, read-only; nothing compared when the path works."""
import pytest

from tests.netpath.conftest import codes, live

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/simtests/scenarios/links"], indirect=True)]


def _finding(report, code):
    found = [f for f in report["findings"] if f["code"] == code]
    assert found, f"no {code} in {codes(report)}"
    return found[0]


def test_broken_route_between_nodes_blames_the_fabric(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/island", "--port", "8080", "--timeout", "1")
    assert code == 1
    finding = _finding(report, "node-fabric-broken")
    assert "pods on node-1 cannot reach pods on node-4" in finding["message"] and "same-node traffic works" in finding["message"]
    roles = {c["role"]: c for c in report["fabric"]["comparison"]}
    assert roles["same-node"]["node"] == "node-1" and roles["same-node"]["reached"] == roles["same-node"]["sent"]
    assert roles["destination-node"]["pod"] == "lab/neighbour" and roles["destination-node"]["reached"] == 0
    assert "dropped-unexplained" not in codes(report)  # one cause, one error: the comparison explains the timeout


def test_a_firewall_in_the_destination_pod_is_pod_local(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/guarded", "--port", "8080", "--timeout", "1")
    finding = _finding(report, "destination-pod-local")
    assert code == 1 and "local to lab/guarded" in finding["message"]
    assert "node-fabric-broken" not in codes(report)


def test_loss_on_one_pod_only_is_pod_local_with_count(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/lossy", "--port", "8080", "--timeout", "1", "--count", "40")
    if "path-lossy" not in codes(report):
        pytest.skip("this run lost too few packets to call it lossy (20% loss, 40 tries)")
    finding = _finding(report, "destination-pod-local")
    assert finding["severity"] == "warning" and "loses packets" in finding["message"]


def test_a_working_path_compares_nothing(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/ok", "--port", "8080", "--timeout", "1")
    assert code == 0 and "fabric" not in report


def test_a_lossy_link_into_one_node_is_the_fabric_not_the_pod(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/far-a", "--port", "8080", "--timeout", "1", "--count", "40")
    assert "path-lossy" in codes(report), report.get("quality")
    finding = _finding(report, "node-fabric-broken")
    assert "pods on node-1 lose packets to pods on node-5" in finding["message"] and finding["severity"] == "warning"
    other = [c for c in report["fabric"]["comparison"] if c["role"] == "destination-node"]
    assert other[0]["pod"] == "lab/far-b" and other[0]["lossPercent"] > 0


def test_a_slow_link_into_one_node_is_the_fabric(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/distant-a", "--port", "8080", "--timeout", "1", "--count", "10")
    assert "path-slow" in codes(report)
    finding = _finding(report, "node-fabric-broken")
    assert "have slow round trips to pods on node-6" in finding["message"] and finding["severity"] == "warning"
    other = next(c for c in report["fabric"]["comparison"] if c["role"] == "destination-node")
    assert other["pod"] == "lab/distant-b" and other["medianMs"] >= 140


def test_a_slow_pod_on_a_fast_node_is_pod_local(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "lab/slow", "--port", "8080", "--timeout", "1", "--count", "10")
    finding = _finding(report, "destination-pod-local")
    assert "lab/slow is slow" in finding["message"]
