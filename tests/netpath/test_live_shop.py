"""The healthy shop example live: a workload as SRC, policies that allow, and a scraper they deny
(the simulated CNI does not enforce NetworkPolicy unless a scenario says so)."""
import pytest

from tests.support import both_shapes

from .conftest import codes, hop, live, probe

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", both_shapes("examples/shop"), indirect=True)]


def test_frontend_workload_reaches_backend_service(sim_cluster):
    code, report = live(sim_cluster, "deploy/frontend", "svc/backend", "-n", "shop")
    assert (code, report["verdict"]) == (0, "reachable")
    assert hop(report, "source")["facts"]["chosenFrom"] == "Deployment shop/frontend"
    rules = [c["ingress"]["rules"][0]["policy"] for c in hop(report, "policy")["facts"]["checks"]]
    assert set(rules) == {"shop/backend-from-frontend"}
    assert probe(report, "service")["outcome"] == "connected"


def test_denied_scraper_connects_because_policy_is_not_enforced(sim_cluster):
    code, report = live(sim_cluster, "monitoring/deploy/prometheus", "backend.shop:8080")
    assert hop(report, "policy")["status"] == "ok" and "policy-not-enforced" in codes(report)
    assert "policy-denied" not in codes(report)  # observation beats declaration: the denial is context
    assert (code, report["verdict"]) == (0, "reachable")
