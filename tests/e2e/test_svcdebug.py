"""kubectl-svcdebug on a real cluster: the healthy shop Services pass, examples/broken-service's fail
with the reasons it was built with."""
import pytest

pytestmark = pytest.mark.e2e


def findings(report: dict) -> dict[str, dict]:
    return {f["code"]: f for f in report["findings"]}


@pytest.mark.parametrize("service", ["frontend", "backend", "db"])
def test_healthy_shop_service_has_no_error(e2e_cluster, shop, service):
    code, report = e2e_cluster.report("svcdebug", service, "-n", "shop", "--timeout", "3")
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert (code, errors) == (0, []), report["findings"]
    assert report["verdict"] in ("ok", "warning") and report["probes"], "probes were not run"


def test_selector_typo(e2e_cluster, broken_service):
    code, report = e2e_cluster.report("svcdebug", "frontend", "-n", "web", "--timeout", "3")
    found = findings(report)["selector-no-match"]
    assert (code, report["verdict"], found["severity"]) == (1, "error", "error")
    assert found["evidence"]["selector"] == "app=front-end"
    nearest = [d for p in found["evidence"]["nearest pods"] for d in p["differs"]]
    assert "selector app=front-end, pod has app=frontend" in nearest


def test_wrong_target_port_is_found_and_proven(e2e_cluster, broken_service):
    code, report = e2e_cluster.report("svcdebug", "api", "-n", "web", "--timeout", "3")
    found = findings(report)
    assert code == 1 and found["target-port-not-exposed"]["evidence"]["targetPort"] == 8081
    assert found["not-listening"]["severity"] == "error", "the probes should be refused on 8081"


def test_failing_readiness_probe(e2e_cluster, broken_service):
    code, report = e2e_cluster.report("svcdebug", "worker", "-n", "web", "--no-probe")
    assert (code, report["endpoints"]["ready"], report["endpoints"]["total"]) == (1, 0, 1)
    found = findings(report)["endpoints-not-ready"]
    assert [p["reason"] for p in found["evidence"]["not ready"]] == ["readiness-probe-failing"]


def test_missing_service_exit_code(e2e_cluster, shop):
    code, report = e2e_cluster.report("svcdebug", "nope", "-n", "shop", "--no-probe")
    assert (code, list(findings(report))) == (1, ["service-not-found"])
