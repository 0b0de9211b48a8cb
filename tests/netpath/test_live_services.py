"""Pod-to-Service against the simulated cluster, and the targeted fetch's API call budget."""
import pytest

from netdebug.cli.options import ClusterOptions
from netdebug.cli.path_fetch import fetch
from netdebug.diagnose.target import parse_destination, parse_source
from netdebug.kube.client import connect

from .conftest import codes, hop, live, probe

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/services"], indirect=True)]


def test_healthy_service_by_name_with_http(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "http://web/healthz")
    assert (code, report["verdict"]) == (0, "reachable")
    assert probe(report, "dns")["addresses"] == ["10.96.10.1"]
    assert probe(report, "service")["outcome"] == "connected"
    assert {p["target"] for p in report["probes"] if p["role"] == "endpoint"} == set(
        p["ip"] for p in hop(report, "destination")["facts"]["pods"])
    assert (probe(report, "http")["outcome"], probe(report, "http")["detail"]) == ("http", "200")


def test_selector_mismatch(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "svc/typo")
    assert (code, report["verdict"]) == (1, "blocked at service") and hop(report, "service")["code"] == "selector-no-match"


def test_no_ready_endpoints(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "sick")
    assert report["verdict"] == "blocked at service" and hop(report, "service")["code"] == "endpoints-not-ready"


def test_wrong_target_port_refused(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "svc/wrongport")
    assert (code, report["verdict"]) == (1, "blocked at destination")
    # one cause, one finding: the static "no container declares the port" warnings are its evidence
    assert "not-listening" in codes(report) and not {"target-port-not-exposed", "port-not-declared"} & set(codes(report))
    refused = next(f for f in report["findings"] if f["code"] == "not-listening")
    assert any("targets port" in line for line in refused["evidence"]["declared"]), refused["evidence"]


def test_clusterip_path_broken_while_pods_answer(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "svc/noproxy", "--timeout", "1")
    assert (code, report["verdict"]) == (1, "blocked at service")
    assert hop(report, "service")["code"] == "clusterip-path-broken"
    assert probe(report, "service")["outcome"] == "timeout"


def test_short_name_across_namespaces(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "api:5000")
    assert (code, report["verdict"]) == (1, "blocked at dns")
    assert hop(report, "dns")["code"] == "dns-short-name-other-namespace"
    assert probe(report, "dns")["outcome"] != "resolved" and probe(report, "service")["outcome"] == "connected"
    code, report = live(sim_cluster, "shop/client", "api.data:5000")
    assert (code, report["verdict"]) == (0, "reachable")


@pytest.mark.parametrize("src,dst", [
    ("shop/client", "web"), ("shop/client", "svc/typo"), ("shop/client", "api"), ("shop/client", "10.96.10.1"),
    ("shop/client", "shop/web-2"), ("shop/client", "http://api.data:5000/"),
])
def test_targeted_fetch_stays_within_fourteen_calls_and_never_lists_all_pods(sim_cluster, src, dst):
    """Namespaces, NetworkPolicies and the three admin policy kinds, then the source and destination
    (a selector that picks nothing adds the namespace's pods and the matching pods elsewhere)."""
    cluster = connect(ClusterOptions(kubeconfig=sim_cluster.kubeconfig, namespace="shop"))
    lists = []
    original = cluster.list

    def recording(kind, namespace=None, label_selector=None, field_selector=None):
        lists.append((kind, namespace, label_selector, field_selector))
        return original(kind, namespace, label_selector, field_selector)

    cluster.list = recording
    snapshot = fetch(cluster, parse_source(src), parse_destination(dst), "shop")
    assert cluster.api_calls <= 14, lists
    assert not [call for call in lists if call[0] == "Pod" and not (call[1] or call[2]) and not call[3]]
    assert snapshot.get("Pod", "shop", "client") is not None


def test_several_connects_go_in_one_batched_exec(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "web")
    connects = [p for p in report["probes"] if p["kind"] == "tcp"]
    assert len(connects) == 3 and {p["outcome"] for p in connects} == {"connected"}
    assert {p["tool"] for p in connects} == {"python3"}  # the sweep; a lone probe would use nc first
    assert len({round(p["elapsedMs"]) for p in connects}) == 1  # one exec: one elapsed time for all
