"""The issue's own example (examples/policy-blocking: the CNI plays the policies by hand): netpath names
the rule that almost admits, never the alphabetically first policy, and never selects on
pod-template-hash."""
import pytest

from tests.support import both_shapes

from .conftest import live

pytestmark = [pytest.mark.sim,
              pytest.mark.parametrize("sim_cluster", both_shapes("examples/policy-blocking"), indirect=True)]


def denial(report: dict) -> dict:
    return next(f for f in report["findings"] if f["code"] == "policy-denied")


def test_web_to_api_the_rule_admits_the_service_port_not_the_target_port(sim_cluster):
    code, report = live(sim_cluster, "payments/deploy/web", "svc/api", "-n", "payments", "--timeout", "1")
    assert (code, report["verdict"]) == (1, "blocked at policy")
    found = denial(report)
    assert found["subject"] == "NetworkPolicy payments/api-from-web"
    assert "spec.ingress[0].ports[0].port: 80 -> 8080" in found["fix"] and "pod-template-hash" not in found["fix"]
    assert "dropped-unexplained" not in [f["code"] for f in report["findings"]]


def test_partners_client_the_namespace_selector_is_off_by_one_letter(sim_cluster):
    code, report = live(sim_cluster, "partners/deploy/client", "svc/api", "-n", "payments", "--timeout", "1")
    assert (code, report["verdict"]) == (1, "blocked at policy")
    found = denial(report)
    assert found["subject"] == "NetworkPolicy payments/api-from-partners"
    assert "namespaceSelector.matchLabels.team: partner -> partners" in found["fix"]
    assert "pod-template-hash" not in found["fix"] and "default-deny" not in found["fix"]
