"""The shop with NetworkPolicy enforced by the simulated CNI: a backend whose own egress policy denies
it the other backend is a policy matter, never `hairpin-broken` (svcdebug and netpath agree).

kube-proxy sends the frontend's ClusterIP probe to itself (allowed: a pod reaching itself) or to the
other frontend (denied by shop/frontend-egress) at random, so runs repeat until one was denied.
"""
import json

import pytest

from tests.netpath.conftest import netpath

from .conftest import codes, finding, svcdebug

pytestmark = pytest.mark.sim
ENFORCED_SHOP = ("examples/shop", "tests/simtests/scenarios/enforce")
TRIES = 12  # each run is sent to the denied endpoint with probability 1/2


def _frontend_probe(report: dict) -> dict:
    return next(p for p in report["probes"] if p["kind"] == "tcp" and p["from"].startswith("shop/frontend-")
                and p["target"] == report["address"])


@pytest.mark.parametrize("sim_cluster", [ENFORCED_SHOP], indirect=True)
def test_svcdebug_names_the_egress_policy_not_hairpin(sim_cluster):
    outcomes = []
    for _ in range(TRIES):
        code, out = svcdebug("frontend", "-n", "shop", "--kubeconfig", sim_cluster.kubeconfig, "--timeout", "1",
                             "-o", "json")
        report = json.loads(out)
        assert code == 0 and report["verdict"] == "ok", report["findings"]
        assert "hairpin-broken" not in codes(report) and "clusterip-path-broken" not in codes(report)
        outcomes.append(_frontend_probe(report)["outcome"])
        if outcomes[-1] == "timeout":
            item = finding(report, "own-service-denied")
            assert not any(code.startswith("policy-blocks-") for code in codes(report))
            assert item["severity"] == "info" and item["evidence"]["policies"] == ["shop/frontend-egress"]
            assert "not a hairpin problem" in item["message"]
            break
    assert outcomes[-1] == "timeout", f"no run was sent to the denied endpoint in {TRIES}: {outcomes}"


@pytest.mark.parametrize("sim_cluster", [ENFORCED_SHOP], indirect=True)
def test_netpath_from_a_frontend_to_its_service_blames_policy(sim_cluster):
    pod = next(p["metadata"]["name"] for p in sim_cluster.pods("shop") if p["metadata"]["name"].startswith("frontend-"))
    args = ("-n", "shop", pod, "svc/frontend", "--kubeconfig", sim_cluster.kubeconfig, "--timeout", "1")
    code, text = netpath(*args, "--no-probe")
    assert code == 1 and "first broken hop: policy-denied" in text  # the other frontend is denied
    assert "allowed (the pod itself: NetworkPolicy does not apply)" in text
    for _ in range(TRIES):
        code, out = netpath(*args, "-o", "json")
        report = json.loads(out)
        hops = {h["name"]: h for h in report["hops"]}
        assert hops["service"]["status"] == "ok" and hops["policy"]["code"] == "policy-denied"
        service = next(p for p in report["probes"] if p["role"] == "service")
        assert report["verdict"] == "partly blocked at policy"  # whichever endpoint the ClusterIP picked
        if service["outcome"] == "timeout":
            return
    pytest.fail(f"no run was sent to the denied endpoint in {TRIES}")
