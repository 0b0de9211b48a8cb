"""Pod-to-pod against the simulated cluster: same and other node, a policy the CNI enforces, one it
does not, a drop nobody declared, nothing listening, a source without tools (with and without --ephemeral)."""
import pytest

from .conftest import codes, hop, live, probe

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/pods"], indirect=True)]


@pytest.mark.parametrize("server,node", [("server-near", "node-1"), ("server-far", "node-2")])
def test_same_and_other_node_reachable(sim_cluster, server, node):
    code, report = live(sim_cluster, "app/client", f"app/{server}")
    assert (code, report["verdict"]) == (0, "reachable")
    assert hop(report, "policy")["facts"]["checks"][0]["node"] == node
    assert probe(report, "endpoint")["outcome"] == "connected"
    assert hop(report, "destination")["facts"]["pods"][0]["listening"] is True


def test_policy_enforced_times_out_and_blocks_at_policy(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/locked", "--timeout", "1")
    assert (code, report["verdict"]) == (1, "blocked at policy")
    assert probe(report, "endpoint")["outcome"] == "timeout"
    assert "policy-not-enforced" not in codes(report)


def test_policy_not_enforced_connects(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/unenforced")
    assert (code, report["verdict"]) == (0, "reachable")
    assert hop(report, "policy")["status"] == "ok" and codes(report) == ["policy-not-enforced"]


def test_drop_without_policy_is_dropped_unexplained_then_pinned_on_the_pod(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/firewalled", "--timeout", "1")
    assert (code, report["verdict"]) == (1, "blocked at destination")
    # the node fabric comparison (another pod on that node answers) refines dropped-unexplained
    assert codes(report)[0] == "destination-pod-local"
    assert "NetworkPolicy allows it" in report["findings"][0]["evidence"]["before"]


def test_nothing_listening_shows_what_does(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/closed")
    assert (code, report["verdict"]) == (1, "blocked at destination")
    finding = next(f for f in report["findings"] if f["code"] == "not-listening")
    assert finding["evidence"]["the container listens on"] == {"app/closed": ["0.0.0.0:9090/TCP"]}


def test_tool_less_source_says_so_then_ephemeral_proves_it(sim_cluster):
    code, report = live(sim_cluster, "app/bare", "app/server-far")
    assert probe(report, "endpoint")["outcome"] == "no-tool" and "probe-no-tool" in codes(report)
    code, report = live(sim_cluster, "app/bare", "app/server-far", "--ephemeral", "busybox:1.36")
    assert (code, report["verdict"]) == (0, "reachable")
    assert probe(report, "endpoint")["outcome"] == "connected" and "netdebug" in probe(report, "endpoint")["container"]


def test_forbidden_policies_degrade_to_unknown_with_the_gap(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/locked", "--context", "sim-limited", "--timeout", "1")
    assert hop(report, "policy")["status"] == "unknown" and hop(report, "policy")["code"] == "policy-not-visible"
    assert "could not list networkpolicies: forbidden" in report["gaps"]
    assert (code, report["verdict"]) == (1, "blocked at policy")
    dropped = next(f for f in report["findings"] if f["code"] == "dropped-unexplained")
    assert "policy unknown" in dropped["message"]


def test_udp_best_effort_echo_and_icmp_refusal(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/syslog", "--protocol", "udp")
    assert (code, report["verdict"], report["protocol"]) == (0, "reachable", "UDP")
    assert probe(report, "endpoint")["kind"] == "udp" and probe(report, "endpoint")["outcome"] == "connected"
    code, report = live(sim_cluster, "app/client", "app/syslog", "--protocol", "udp", "--port", "5999")
    assert report["verdict"] == "blocked at destination" and "not-listening" in codes(report)


def test_unscheduled_source_blocks_at_source_without_probes(sim_cluster):
    code, report = live(sim_cluster, "app/pending", "app/server-near")
    assert (code, report["verdict"]) == (1, "blocked at source") and report["probes"] == []
    assert hop(report, "source")["code"] == "source-not-running"


def test_host_network_source_is_cni_defined_then_proven(sim_cluster):
    code, report = live(sim_cluster, "app/node-agent", "app/server-far")
    assert hop(report, "policy")["code"] == "policy-cni-defined"
    assert (code, report["verdict"]) == (0, "reachable") and probe(report, "endpoint")["outcome"] == "connected"
