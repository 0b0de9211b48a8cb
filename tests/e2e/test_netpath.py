"""kubectl-netpath on a real cluster: probes from inside real pods. Whether the CNI enforces
NetworkPolicy is the cluster's business: where enforcement decides, either outcome is accepted
as long as netdebug explains it, and the declared policy hop is asserted instead."""
import pytest

pytestmark = pytest.mark.e2e


def hop(report: dict, name: str) -> dict:
    return next(h for h in report["hops"] if h["name"] == name)


def codes(report: dict) -> list[str]:
    return [f["code"] for f in report["findings"]]


def test_frontend_reaches_backend_service(e2e_cluster, shop):
    code, report = e2e_cluster.report("netpath", "deploy/frontend", "svc/backend", "-n", "shop", "--timeout", "3")
    assert (code, report["verdict"]) == (0, "reachable"), codes(report)
    assert hop(report, "source")["facts"]["chosenFrom"] == "Deployment shop/frontend"
    checks = hop(report, "policy")["facts"]["checks"]
    assert {c["ingress"]["rules"][0]["policy"] for c in checks} == {"shop/backend-from-frontend"}
    outcomes = {(p["role"], p["outcome"]) for p in report["probes"] if p["kind"] == "tcp"}
    assert outcomes == {("service", "connected"), ("endpoint", "connected")}


def test_denied_scraper_is_explained_either_way(e2e_cluster, shop):
    code, report = e2e_cluster.report("netpath", "monitoring/deploy/prometheus", "svc/backend", "-n", "shop",
                                      "--timeout", "3")
    policy = hop(report, "policy")
    assert policy["code"] == "policy-denied"
    assert {tuple(c["ingress"]["policies"]) for c in policy["facts"]["checks"]} == \
        {("shop/backend-from-frontend", "shop/default-deny-ingress")}
    service_probe = next(p for p in report["probes"] if p["role"] == "service")
    if report["verdict"] == "reachable":  # a CNI that does not enforce NetworkPolicy (e.g. flannel)
        assert (code, service_probe["outcome"]) == (0, "connected") and "policy-not-enforced" in codes(report)
    else:
        assert (code, report["verdict"], service_probe["outcome"]) == (1, "blocked at policy", "timeout")


def test_service_without_endpoints_is_blocked_at_service(e2e_cluster, broken_service):
    code, report = e2e_cluster.report("netpath", "web/toolbox", "svc/frontend", "--timeout", "3")
    assert (code, report["verdict"]) == (1, "blocked at service")
    assert hop(report, "service")["code"] == "selector-no-match"


def test_unknown_source_is_bad_input(e2e_cluster, shop):
    done = e2e_cluster.plugin("netpath", "shop/deploy/nope", "svc/backend")
    assert (done.returncode, done.stderr.strip()) == (2, "error: Deployment nope not found in namespace shop")


CAPTURE_IMAGE = "nicolaka/netshoot:v0.13"  # tcpdump and python: the examples' agnhost image has neither


def test_capture_and_count_on_a_healthy_path(e2e_cluster, shop, tmp_path):
    """--capture and --count with the opt-in ephemeral container (the examples' image lacks tcpdump)."""
    code, report = e2e_cluster.report("netpath", "deploy/frontend", "svc/backend", "-n", "shop", "--timeout", "3",
                                      "--capture", "--capture-dir", str(tmp_path), "--count", "5",
                                      "--ephemeral", CAPTURE_IMAGE)
    assert (code, report["verdict"]) == (0, "reachable"), codes(report)
    assert {f["verdict"] for f in report["capture"]["flows"]} == {"answered"}
    assert all(f["file"] and f["file"].startswith(str(tmp_path)) for f in report["capture"]["files"] if not f.get("error"))
    assert all(p["lossPercent"] == 0.0 for p in report["quality"]["paths"] if p["kind"] == "tcp")
