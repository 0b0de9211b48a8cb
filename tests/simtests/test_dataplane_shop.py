"""The shop scenario's data plane: real packets between pod namespaces, DNS, ClusterIPs."""
import subprocess

import pytest

from tests.simtests.simnet_support import in_pod, pod_ip, pod_ref, tcp

pytestmark = pytest.mark.sim


@pytest.fixture(scope="module")
def frontend(sim_cluster):
    return pod_ref(sim_cluster, "shop", "frontend")


def test_every_pod_has_its_own_namespace_with_its_ip(sim_cluster):
    for pod in sim_cluster.pods():
        ref = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        result, _ = in_pod(sim_cluster, ref, ["ip", "-o", "-4", "addr", "show", "dev", "eth0"])
        assert f" {pod['status']['podIP']}/" in result.stdout, ref


def test_nothing_is_created_in_the_machine_namespace(sim_cluster):
    addresses = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True, check=True).stdout
    assert "10.244." not in addresses and "172.18.0." not in addresses
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True).stdout
    assert all(not sim_cluster.plane.pods[ref].veth + "@" in links for ref in sim_cluster.plane.pods)


def test_dns_resolves_services_short_and_fully_qualified(sim_cluster, frontend):
    backend_ip = sim_cluster.store.get("Service", "shop", "backend")["spec"]["clusterIP"]
    for name in ("backend", "backend.shop", "backend.shop.svc.cluster.local"):
        result, _ = in_pod(sim_cluster, frontend, ["getent", "hosts", name])
        assert result.returncode == 0 and result.stdout.split()[0] == backend_ip, (name, result)


def test_dns_headless_service_and_statefulset_hostname_give_pod_ips(sim_cluster, frontend):
    db_ip = pod_ip(sim_cluster, "shop/db-0")
    for name in ("db.shop.svc.cluster.local", "db-0.db.shop.svc.cluster.local"):
        result, _ = in_pod(sim_cluster, frontend, ["getent", "hosts", name])
        assert result.stdout.split()[:1] == [db_ip], (name, result.stdout)


def test_dns_kubernetes_default_pod_records_and_nxdomain(sim_cluster, frontend):
    result, _ = in_pod(sim_cluster, frontend, ["getent", "hosts", "kubernetes.default"])
    assert result.stdout.split()[0] == "10.96.0.1"
    ip = pod_ip(sim_cluster, frontend)
    result, _ = in_pod(sim_cluster, frontend, ["getent", "hosts", f"{ip.replace('.', '-')}.shop.pod.cluster.local"])
    assert result.stdout.split()[0] == ip
    for missing in ("nothere.shop.svc.cluster.local", "example.com"):
        result, seconds = in_pod(sim_cluster, frontend, ["getent", "hosts", missing])
        assert result.returncode == 2 and seconds < 3, missing


def test_resolv_conf_and_hosts_are_the_kubelets(sim_cluster, frontend):
    result, _ = in_pod(sim_cluster, frontend, ["cat", "/etc/resolv.conf"])
    assert result.stdout.splitlines() == ["search shop.svc.cluster.local svc.cluster.local cluster.local",
                                          "nameserver 10.96.0.10", "options ndots:5"]
    result, _ = in_pod(sim_cluster, "shop/db-0", ["cat", "/etc/hosts"])
    assert f"{pod_ip(sim_cluster, 'shop/db-0')}\tdb-0.db.shop.svc.cluster.local db-0" in result.stdout


def test_cluster_ip_balances_over_ready_endpoints(sim_cluster, frontend):
    seen = set()
    for _ in range(24):
        result, _ = in_pod(sim_cluster, frontend, ["curl", "-s", "-m", "2", "http://backend:8080/"])
        assert result.returncode == 0, result.stderr
        seen.add(result.stdout.split()[0])
    backends = {ref for ref in sim_cluster.plane.pods if ref.startswith("shop/backend")}
    assert seen == backends


def test_pod_to_pod_across_nodes_and_refused_port(sim_cluster, frontend):
    other = [r for r in sim_cluster.plane.pods if r.startswith("shop/backend")
             and sim_cluster.plane.pods[r].node != sim_cluster.plane.pods[frontend].node][0]
    assert tcp(sim_cluster, frontend, pod_ip(sim_cluster, other), 8080)[0] == 0
    code, err, seconds = tcp(sim_cluster, frontend, pod_ip(sim_cluster, other), 9999)
    assert code == 1 and "refused" in err and seconds < 1


def test_udp_dns_answers_through_the_kube_dns_cluster_ip(sim_cluster, frontend):
    """A raw UDP query (no resolver library) to the kube-dns ClusterIP gets the Service's A record."""
    backend_ip = sim_cluster.store.get("Service", "shop", "backend")["spec"]["clusterIP"]
    script = (
        "import socket\n"
        "name = b''.join(bytes([len(p)]) + p.encode() for p in 'backend.shop.svc.cluster.local'.split('.'))\n"
        "query = bytes.fromhex('abcd01000001000000000000') + name + bytes.fromhex('0000010001')\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)\n"
        "s.sendto(query, ('10.96.0.10', 53)); reply = s.recvfrom(512)[0]\n"
        "print(reply[:2].hex(), int.from_bytes(reply[6:8], 'big'), socket.inet_ntoa(reply[-4:]))\n")
    result, _ = in_pod(sim_cluster, frontend, ["python3", "-c", script])
    assert result.stdout.split() == ["abcd", "1", backend_ip], result.stderr


def test_nothing_leaves_the_fabric(sim_cluster, frontend):
    result, seconds = in_pod(sim_cluster, frontend, ["curl", "-s", "-m", "1", "http://192.0.2.1/"])
    assert result.returncode == 28 and seconds >= 0.9  # timed out: the fabric blackholes it


def test_listeners_answer_http_with_the_pod_name(sim_cluster, frontend):
    result, _ = in_pod(sim_cluster, frontend, ["curl", "-s", "-i", "-m", "2", "http://frontend.shop/"])
    assert result.stdout.startswith("HTTP/1.1 200 OK") and "X-Sim-Pod: shop/frontend-" in result.stdout
