"""DNS down, and traffic from outside (NodePort, LoadBalancer pending, Ingress class/secret, not exposed).

External probes run from this machine; the test process lives in the machine's own namespace, which
must not send packets towards the simulator's node and LB addresses, so these runs use --no-probe.
With real packets, from the simulator's outside namespace: test_live_outside.py."""
import pytest

from .conftest import hop, live, probe


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/dns-down"], indirect=True)
def test_dns_down_while_clusterip_works(sim_cluster):
    code, report = live(sim_cluster, "shop/client", "web")
    assert (code, report["verdict"]) == (1, "blocked at dns") and hop(report, "dns")["code"] == "dns-down"
    assert probe(report, "service")["outcome"] == "connected"


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/external"], indirect=True)
@pytest.mark.parametrize("dst,verdict,code", [
    ("svc/web-np", "reachable", None),
    ("svc/web-lb", "reachable", None),
    ("svc/web-lb-pending", "reachable", None),
    ("http://noclass.example.com/", "blocked at entry", "ingress-class-missing"),
    ("https://secure.example.com/", "blocked at entry", "ingress-tls-secret-missing"),
    ("svc/internal", "blocked at entry", "service-not-exposed"),
])
def test_external(sim_cluster, dst, verdict, code):
    exit_code, report = live(sim_cluster, "external", dst, "-n", "shop", "--no-probe")
    assert report["verdict"] == verdict and hop(report, "entry").get("code") == code
    assert exit_code == (0 if verdict == "reachable" else 1) and report["probes"] == []
    if dst == "svc/web-lb-pending":
        assert hop(report, "entry")["facts"]["loadBalancer"] == "<pending>"
        assert "lb-pending" in [f["code"] for f in report["findings"]]
    if dst == "svc/web-lb":
        assert hop(report, "entry")["facts"]["loadBalancer"] == ["172.18.255.10"]
