"""The examples behave on the wire the way their comments say (the README demo relies on it)."""
import pytest

from tests.simtests.simnet_support import in_pod, pod_ip, pod_ref, tcp

pytestmark = pytest.mark.sim


def _cluster_ip(sim, namespace, name):
    return sim.store.get("Service", namespace, name)["spec"]["clusterIP"]


@pytest.mark.parametrize("sim_cluster", ["examples/broken-service"], indirect=True)
def test_broken_service_each_service_fails_its_own_way(sim_cluster):
    toolbox = "web/toolbox"
    for service in ("frontend", "api", "worker"):
        code, err, seconds = tcp(sim_cluster, toolbox, f"{service}.web", 80 if service != "worker" else 8080)
        assert code == 1 and "refused" in err and seconds < 1, service
    assert tcp(sim_cluster, toolbox, pod_ip(sim_cluster, pod_ref(sim_cluster, "web", "api")), 8080)[0] == 0
    assert tcp(sim_cluster, toolbox, pod_ip(sim_cluster, pod_ref(sim_cluster, "web", "frontend")), 80)[0] == 0
    assert tcp(sim_cluster, toolbox, pod_ip(sim_cluster, pod_ref(sim_cluster, "web", "worker")), 8080)[0] == 0


@pytest.mark.parametrize("sim_cluster", ["examples/policy-blocking"], indirect=True)
def test_policy_blocking_drops_what_the_policies_deny(sim_cluster):
    web, client = pod_ref(sim_cluster, "payments", "web"), pod_ref(sim_cluster, "partners", "client")
    code, err, _ = tcp(sim_cluster, web, "api.payments", 80, wait=1)
    assert code == 1 and "timed out" in err  # Service 80 -> container 8080, which the policy does not allow
    code, err, _ = tcp(sim_cluster, client, pod_ip(sim_cluster, pod_ref(sim_cluster, "payments", "api")), 8080, wait=1)
    assert code == 1 and "timed out" in err
    code, err, _ = tcp(sim_cluster, web, pod_ip(sim_cluster, pod_ref(sim_cluster, "payments", "api")), 80)
    assert code == 1 and "refused" in err  # allowed by policy, but nothing listens on 80
    result, _ = in_pod(sim_cluster, client, ["getent", "hosts", "api.payments"])
    assert result.returncode == 0  # DNS is not affected


def test_shop_frontend_reaches_backend_and_monitoring_reaches_frontend(sim_cluster):
    frontend, prometheus = pod_ref(sim_cluster, "shop", "frontend"), pod_ref(sim_cluster, "monitoring", "prometheus")
    assert tcp(sim_cluster, frontend, "backend", 8080)[0] == 0
    assert tcp(sim_cluster, prometheus, "frontend.shop", 80)[0] == 0
    # The shop's CNI does not enforce NetworkPolicy (the simulator's default): policy says no, packets pass.
    assert tcp(sim_cluster, prometheus, "db.shop", 5432)[0] == 0


@pytest.mark.parametrize("sim_cluster", [("examples/shop", "examples/broken-service")], indirect=True)
def test_shop_and_broken_service_combined_share_one_cluster_dns(sim_cluster):
    dns_pods = [p for p in sim_cluster.pods("kube-system") if p["metadata"]["labels"].get("k8s-app") == "kube-dns"]
    assert len(dns_pods) == 1  # both examples bring the same coredns; it is taken once
    frontend, toolbox = pod_ref(sim_cluster, "shop", "frontend"), "web/toolbox"
    assert tcp(sim_cluster, frontend, "backend", 8080)[0] == 0
    assert tcp(sim_cluster, toolbox, pod_ip(sim_cluster, pod_ref(sim_cluster, "web", "api")), 8080)[0] == 0
    assert tcp(sim_cluster, toolbox, pod_ip(sim_cluster, frontend), 80)[0] == 0  # across the two examples
    result, _ = in_pod(sim_cluster, toolbox, ["getent", "hosts", "backend.shop"])
    assert result.returncode == 0 and _cluster_ip(sim_cluster, "shop", "backend") in result.stdout
    code, err, _ = tcp(sim_cluster, toolbox, "api.web", 80)
    assert code == 1 and "refused" in err  # broken-service is still broken next to the shop
