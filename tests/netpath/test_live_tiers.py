"""netpath reads the admin tiers live, like netpolicy: with a CNI that enforces them the denial is named
(admin rule, baseline rule, or the NetworkPolicy rule that almost admits), never `dropped-unexplained`;
with a CNI that does not, the probes connect and the denial becomes `policy-not-enforced` context."""
import pytest

from .conftest import codes, hop, live

TIERS = "tests/scenarios/netpath/tiers"
ENFORCE = "tests/simtests/scenarios/enforce"


def denial(report: dict) -> dict:
    return next(f for f in report["findings"] if f["code"] == "policy-denied")


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [(TIERS, ENFORCE)], indirect=True)
class TestEnforced:
    def test_admin_deny_is_named_and_no_networkpolicy_is_suggested(self, sim_cluster):
        code, report = live(sim_cluster, "partners/client", "payments/ledger", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at policy")
        found = denial(report)
        assert found["subject"] == "AdminNetworkPolicy guard-payments" and "rule 0 (Deny)" in found["message"]
        assert "allow-all" not in found["fix"] and "cluster admin" in found["fix"]
        assert "dropped-unexplained" not in codes(report)

    def test_baseline_deny_says_a_networkpolicy_overrides_it(self, sim_cluster):
        code, report = live(sim_cluster, "partners/client", "shop/deploy/web", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at policy")
        found = denial(report)
        assert found["subject"] == "BaselineAdminNetworkPolicy default"
        assert "podSelector {app: web}" in found["fix"] and "pod-template-hash" not in found["fix"]

    def test_a_baseline_that_denies_the_cluster_dns_is_named_not_dns_down(self, sim_cluster):
        code, report = live(sim_cluster, "partners/client", "api.shop", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at dns")
        assert hop(report, "dns")["code"] == "policy-blocks-dns" and "dns-down" not in codes(report)
        found = next(f for f in report["findings"] if f["code"] == "policy-blocks-dns")
        assert found["subject"] == "BaselineAdminNetworkPolicy default" and "kube-system" in found["fix"]

    def test_passed_on_then_a_namespace_selector_typo(self, sim_cluster):
        code, report = live(sim_cluster, "monitoring/prom", "shop/svc/api", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at policy")
        found = denial(report)
        assert found["subject"] == "NetworkPolicy shop/api-from-monitoring"
        assert "namespaceSelector.matchLabels.team: monitor -> monitoring" in found["fix"]
        assert found["evidence"]["passed on by"] == ["AdminNetworkPolicy monitoring-decided-below rule 0 (Pass)"]

    def test_service_port_instead_of_target_port(self, sim_cluster):
        code, report = live(sim_cluster, "shop/deploy/web", "svc/api", "-n", "shop", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at policy")
        found = denial(report)
        assert found["subject"] == "NetworkPolicy shop/api-from-web" and "ports[0].port: 80 -> 8080" in found["fix"]
        assert "pod-template-hash" not in found["fix"]

    def test_forbidden_admin_policies_are_a_gap_not_a_drop_below_policy(self, sim_cluster):
        code, report = live(sim_cluster, "partners/client", "payments/ledger", "--context", "sim-limited",
                            "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at policy")
        assert hop(report, "policy")["status"] == "unknown" and hop(report, "policy")["code"] == "policy-not-visible"
        assert "adminnetworkpolicies" in hop(report, "policy")["reason"]
        assert any("adminnetworkpolicies" in gap for gap in report["gaps"])
        assert not any("baselineadminnetworkpolicies" in gap for gap in report["gaps"])

    def test_allowed_through_every_tier_is_reachable(self, sim_cluster):
        code, report = live(sim_cluster, "shop/deploy/web", "payments/ledger")
        assert (code, report["verdict"]) == (0, "reachable") and hop(report, "policy")["status"] == "ok"


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [TIERS], indirect=True)
def test_not_enforcing_cni_turns_an_admin_denial_into_context(sim_cluster):
    code, report = live(sim_cluster, "partners/client", "payments/ledger")
    assert (code, report["verdict"]) == (0, "reachable")
    assert hop(report, "policy")["status"] == "ok" and codes(report) == ["policy-not-enforced"]
    assert "AdminNetworkPolicy guard-payments" in report["findings"][0]["evidence"]["declared"]
