"""The outside namespace: a client on the internet reaching NodePorts, LoadBalancer IPs and the
external DNS zone with real packets, the API server through the same kubeconfig, and the faults."""
import subprocess

import pytest

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/outside"],
                                                       indirect=True)]


def outside(sim, argv: list[str], timeout: float = 15) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", sim.outside_netns, *argv], capture_output=True, text=True,
                          timeout=timeout, check=False)


def answer(sim, url: str) -> str:
    result = outside(sim, ["curl", "-s", "-m", "1", url])
    return result.stdout.split()[0] if result.returncode == 0 else f"curl exit {result.returncode}"


def test_node_ports_and_lb_addresses_answer_from_outside(sim_cluster):
    for url in ("http://172.18.0.2:30081/", "http://172.18.0.3:30081/", "http://203.0.113.30/"):
        assert answer(sim_cluster, url).startswith("web/web-"), url


def test_firewalled_node_port_and_unrouted_lb_time_out(sim_cluster):
    assert answer(sim_cluster, "http://172.18.0.2:30082/") == "curl exit 28"
    assert answer(sim_cluster, "http://203.0.113.31/") == "curl exit 28"
    assert answer(sim_cluster, "http://203.0.113.31:80/") == "curl exit 28"


def test_pods_are_not_behind_the_outside_firewall(sim_cluster):
    from tests.simtests.simnet_support import in_pod
    result, _ = in_pod(sim_cluster, "web/one", ["curl", "-s", "-m", "1", "http://172.18.0.3:30082/"])
    assert result.stdout.startswith("web/web-")


def test_external_traffic_policy_local_drops_on_a_node_without_endpoints(sim_cluster):
    assert answer(sim_cluster, "http://172.18.0.2:30088/").startswith("web/one")
    assert answer(sim_cluster, "http://172.18.0.3:30088/") == "curl exit 28"
    assert answer(sim_cluster, "http://203.0.113.34/").startswith("web/one")  # the LB health check avoids node-2


def test_external_zone_holds_published_names_with_faults(sim_cluster):
    def resolve(name):
        return outside(sim_cluster, ["getent", "hosts", name]).stdout.split()[:1]

    assert resolve("web.example.com") == ["203.0.113.30"]
    assert resolve("shop.example.com") == ["203.0.113.10"]  # an Ingress host: the Ingress's address
    assert resolve("old.example.com") == ["203.0.113.10"]
    assert resolve("stale.example.com") == ["203.0.113.99"]  # the Service is at 203.0.113.32
    assert resolve("missing.example.com") == []
    assert resolve("web.web.svc.cluster.local") == []  # cluster names stay inside


def test_api_server_answers_inside_the_outside_namespace(sim_cluster):
    from tests.conftest import kubectl_path
    result = outside(sim_cluster, [kubectl_path(), "--kubeconfig", sim_cluster.kubeconfig, "get", "nodes", "-o", "name"])
    assert result.stdout.split() == ["node/node-1", "node/node-2"], result.stderr


def test_outside_cannot_reach_pod_or_cluster_ips_directly(sim_cluster):
    web = sim_cluster.store.get("Service", "web", "web")
    assert answer(sim_cluster, f"http://{web['spec']['clusterIP']}/") == "curl exit 28"
    assert answer(sim_cluster, f"http://{sim_cluster.store.get('Pod', 'web', 'one')['status']['podIP']}:8080/") == \
        "curl exit 28"


@pytest.mark.parametrize("url,status,verify", [
    ("http://shop.example.com/", "308", "0"),  # TLS host: plain HTTP is redirected, as ingress-nginx does
    ("https://shop.example.com/", "200", "0"),  # the Secret's certificate, signed by the CA the outside trusts
    ("http://plain.example.com/x", "200", "0"),
    ("https://nosecret.example.com/", "000", "18"),  # Secret missing: the self-signed default certificate
    ("https://expired.example.com/", "000", "10"),
    ("http://down.example.com/", "503", "0"),  # no ready endpoint behind the rule
    ("http://failing.example.com/", "503", "0"),  # the backend itself answers 503 (proxied)
    ("http://old.example.com/", "404", "0"),  # a published name no Ingress rule serves: the default backend
    ("http://www.sites.example.com/", "200", "0"),  # the wildcard rule *.sites.example.com
])
def test_ingress_controller_as_a_browser_sees_it(sim_cluster, url, status, verify):
    result = outside(sim_cluster, ["curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", url])
    assert result.stdout.split() == [status, verify], (url, result.stderr)


def test_ingress_default_certificate_and_wrong_name(sim_cluster):
    verbose = outside(sim_cluster, ["curl", "-vsk", "-m", "3", "https://nosecret.example.com/"]).stderr
    assert "CN=Kubernetes Ingress Controller Fake Certificate" in verbose
    wrong = outside(sim_cluster, ["curl", "-s", "-m", "3", "https://wrongname.example.com/"])
    assert wrong.returncode == 60  # the Secret's certificate names other.example.com
    body = outside(sim_cluster, ["curl", "-s", "-m", "3", "https://shop.example.com/"]).stdout
    assert body.startswith("web/web-")
