"""external-access: NodePort on every node address, LoadBalancer IPs, a pending LoadBalancer, Ingress status."""
import pytest

from tests.simtests.simnet_support import in_pod, pod_ref, tcp

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["examples/external-access"], indirect=True)]


def _answer(sim, ref, url):
    result, _ = in_pod(sim, ref, ["curl", "-s", "-m", "2", url])
    return result.stdout.split()[0] if result.returncode == 0 else f"curl exit {result.returncode}"


def test_node_port_answers_on_every_node_address(sim_cluster):
    client = pod_ref(sim_cluster, "ingress-nginx", "ingress-nginx-controller")
    for node in sim_cluster.store.list("Node"):
        address = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
        assert _answer(sim_cluster, client, f"http://{address}:30080/").startswith("store/site-")


def test_load_balancer_address_reaches_the_backends(sim_cluster):
    client = pod_ref(sim_cluster, "store", "admin")
    service = sim_cluster.store.get("Service", "store", "site-lb")
    assert service["status"]["loadBalancer"]["ingress"][0]["ip"] == "203.0.113.20"
    assert _answer(sim_cluster, client, "http://203.0.113.20/").startswith("store/site-")
    assert _answer(sim_cluster, client, "http://203.0.113.10/") == "default"  # the controller: "default backend - 404"


def test_pending_load_balancer_has_no_address_but_its_node_port_works(sim_cluster):
    service = sim_cluster.store.get("Service", "store", "admin-lb")
    assert not service["status"]["loadBalancer"].get("ingress")
    client = pod_ref(sim_cluster, "store", "site")
    assert tcp(sim_cluster, client, "172.18.0.3", service["spec"]["ports"][0]["nodePort"])[0] == 0


def test_ingress_takes_the_controller_service_address(sim_cluster):
    ingress = sim_cluster.store.get("Ingress", "store", "site")
    assert ingress["status"]["loadBalancer"]["ingress"] == [{"ip": "203.0.113.10"}]
    client = pod_ref(sim_cluster, "store", "site")
    assert tcp(sim_cluster, client, "ingress-nginx-controller.ingress-nginx", 443)[0] == 0


def test_host_network_pods_listen_on_their_node_address(sim_cluster):
    exporters = [p for p in sim_cluster.store.list("Pod", "monitoring")]
    assert len(exporters) == len(sim_cluster.store.list("Node"))
    client = pod_ref(sim_cluster, "store", "site")
    for pod in exporters:
        assert pod["status"]["podIP"] == pod["status"]["hostIP"]
        assert _answer(sim_cluster, client, f"http://{pod['status']['podIP']}:9100/") == \
            f"monitoring/{pod['metadata']['name']}"


def test_ingress_controller_speaks_https_on_443_and_routes_by_host(sim_cluster):
    client = pod_ref(sim_cluster, "store", "site")
    assert _answer(sim_cluster, client, "https://203.0.113.10/") == "curl exit 60"  # default certificate: not trusted
    result, _ = in_pod(sim_cluster, client, ["curl", "-sk", "-m", "2", "https://203.0.113.10/"])
    assert result.stdout == "default backend - 404\n"  # no rule for Host 203.0.113.10
    result, _ = in_pod(sim_cluster, client, ["curl", "-sk", "-m", "2", "--resolve", "shop.example.com:443:203.0.113.10",
                                             "https://shop.example.com/"])
    assert result.stdout.startswith("store/site-")
