"""Composite cases on one cluster (tests/scenarios/netpath/composite), with a CNI that ignores
NetworkPolicy and with one that enforces it: several policies on both sides, a selector typo, a
Service in the wrong namespace, a multi-port Service, a sidecar, a firewall nobody declared."""
import pytest

from .conftest import codes, hop, live, probe

COMPOSITE = "tests/scenarios/netpath/composite"
ENFORCE = "tests/simtests/scenarios/enforce"
pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", [COMPOSITE, (COMPOSITE, ENFORCE)],
                                                      indirect=True, ids=["ignoring", "enforcing"])]


@pytest.fixture
def enforcing(request) -> bool:
    return isinstance(request.node.callspec.params["sim_cluster"], tuple)


def finding(report: dict, code: str) -> dict:
    return next(f for f in report["findings"] if f["code"] == code)


class TestEitherCni:
    def test_selector_typo_reads_the_namespace_pods(self, sim_cluster):
        code, report = live(sim_cluster, "web/toolbox", "svc/frontend", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at service")
        found = finding(report, "selector-no-match")
        assert found["evidence"]["pods in namespace"] == 6
        assert found["evidence"]["nearest pods"][0]["pod"].startswith("web/frontend-")

    def test_service_in_the_wrong_namespace_says_where_its_pods_are(self, sim_cluster):
        code, report = live(sim_cluster, "web/toolbox", "svc/auth", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at service")
        found = finding(report, "selector-no-match")
        assert "pods in namespace identity match it" in found["message"]
        assert found["fix"].startswith("create the Service in namespace identity")

    def test_multi_port_service_judges_each_port(self, sim_cluster):
        code, report = live(sim_cluster, "web/toolbox", "svc/shop:http")
        assert (code, report["verdict"]) == (0, "reachable")
        code, report = live(sim_cluster, "web/toolbox", "svc/shop:metrics", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at destination")
        assert hop(report, "service")["status"] == "ok"  # a refusal proves the ClusterIP path worked

    def test_probes_from_a_sidecar_container(self, sim_cluster):
        code, report = live(sim_cluster, "web/meshed", "svc/shop:http", "-c", "istio-proxy")
        assert (code, report["verdict"]) == (0, "reachable")
        assert probe(report, "service")["container"] == "istio-proxy"

    def test_loopback_only_listener_pod_to_pod_has_its_own_code_and_no_target_port(self, sim_cluster):
        code, report = live(sim_cluster, "web/toolbox", "web/local", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at destination")
        assert codes(report) == ["listening-loopback-only"] and hop(report, "destination")["status"] == "fail"
        found = report["findings"][0]
        assert "targetPort" not in found["fix"] and "targetPort" not in found["evidence"]
        assert found["fix"] == "make the app bind 0.0.0.0:8080 (or the pod IP), not 127.0.0.1:8080"

    def test_a_drop_no_policy_explains_stays_unexplained(self, sim_cluster):
        code, report = live(sim_cluster, "web/toolbox", "web/firewalled", "--timeout", "1")
        assert (code, report["verdict"]) == (1, "blocked at destination")
        assert codes(report) == ["dropped-unexplained"] and hop(report, "policy")["status"] == "ok"


def test_both_sides_denied_fixes_both(sim_cluster, enforcing):
    code, report = live(sim_cluster, "web/reporter", "data/db-0", "--timeout", "1")
    if not enforcing:
        assert (code, report["verdict"]) == (0, "reachable") and codes(report) == ["policy-not-enforced"]
        assert "ingress is denied too" in finding(report, "policy-not-enforced")["evidence"]["declared"]
        return
    assert (code, report["verdict"]) == (1, "blocked at policy") and "dropped-unexplained" not in codes(report)
    fix = finding(report, "policy-denied")["fix"]
    assert "spec.egress[1].ports[0].port: 5433 -> 5432" in fix
    assert "namespaceSelector.matchLabels.kubernetes.io/metadata.name: wbe -> web" in fix


def test_default_deny_only_suggests_a_new_policy_by_stable_labels(sim_cluster, enforcing):
    code, report = live(sim_cluster, "web/toolbox", "ops/deploy/metrics-api", "--timeout", "1")
    if not enforcing:
        assert (code, report["verdict"]) == (0, "reachable") and hop(report, "policy")["status"] == "ok"
        return
    assert (code, report["verdict"]) == (1, "blocked at policy")
    fix = finding(report, "policy-denied")["fix"]
    assert fix.startswith("add a NetworkPolicy in ops with podSelector {app: metrics-api, tier: backend}")
    assert "pod-template-hash" not in fix and "default-deny" not in fix and "metrics-api-" not in fix
