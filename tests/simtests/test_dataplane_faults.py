"""Scenario annotations really change the packets: silent ports, wrong ports, drops, rejects,
a broken ClusterIP path, Services without (ready) endpoints, HTTP status, UDP."""
import os

import pytest

from tests.simtests.simnet_support import SIM_SCENARIOS, in_pod, pod_ip, tcp

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", [os.path.join(SIM_SCENARIOS, "faults")],
                                                       indirect=True)]
CLIENT = "lab/client"


def _service_ip(sim, name):
    return sim.store.get("Service", "lab", name)["spec"]["clusterIP"]


def test_declared_port_without_listener_is_refused(sim_cluster):
    code, err, _ = tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/quiet"), 8080)
    assert code == 1 and "refused" in err


def test_listen_annotation_moves_the_port(sim_cluster):
    ip = pod_ip(sim_cluster, "lab/wrongport")
    assert tcp(sim_cluster, CLIENT, ip, 8080)[0] == 1
    assert tcp(sim_cluster, CLIENT, ip, 8081)[0] == 0


def test_crashlooping_container_listens_on_nothing(sim_cluster):
    code, err, _ = tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/crash"), 8080)
    assert code == 1 and "refused" in err


def test_drop_times_out_reject_refuses_other_ports_pass(sim_cluster):
    ip = pod_ip(sim_cluster, "lab/guarded")
    code, err, seconds = tcp(sim_cluster, CLIENT, ip, 8080, wait=1)
    assert code == 1 and "timed out" in err and seconds >= 0.9
    code, err, seconds = tcp(sim_cluster, CLIENT, ip, 9090)
    assert code == 1 and "refused" in err and seconds < 1
    assert tcp(sim_cluster, CLIENT, ip, 9091)[0] == 0
    assert tcp(sim_cluster, "lab/server", ip, 8080)[0] == 0  # only app=client is dropped


def test_egress_drop_applies_to_new_connections_from_the_pod(sim_cluster):
    code, err, _ = tcp(sim_cluster, "lab/guarded", pod_ip(sim_cluster, "lab/server"), 8080, wait=1)
    assert code == 1 and "timed out" in err
    assert tcp(sim_cluster, "lab/guarded", pod_ip(sim_cluster, "lab/server"), 8081)[0] == 0


def test_broken_cluster_ip_path_times_out_while_pod_ip_works(sim_cluster):
    code, err, _ = tcp(sim_cluster, CLIENT, _service_ip(sim_cluster, "broken-path"), 80, wait=1)
    assert code == 1 and "timed out" in err
    assert tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/server"), 8080)[0] == 0
    assert tcp(sim_cluster, CLIENT, _service_ip(sim_cluster, "server"), 80)[0] == 0


def test_service_without_ready_endpoints_is_rejected_like_kube_proxy(sim_cluster):
    for name in ("nobody", "notready"):
        code, err, seconds = tcp(sim_cluster, CLIENT, _service_ip(sim_cluster, name), 80)
        assert code == 1 and "refused" in err and seconds < 1, name
    assert tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/notready"), 8080)[0] == 0  # it listens, just not ready


def test_http_status_annotation(sim_cluster):
    ip = pod_ip(sim_cluster, "lab/server")
    result, _ = in_pod(sim_cluster, CLIENT, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://{ip}:8081/"])
    assert result.stdout == "503"
    result, _ = in_pod(sim_cluster, CLIENT, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://{ip}:8080/"])
    assert result.stdout == "200"


def test_udp_port_echoes(sim_cluster):
    ip = pod_ip(sim_cluster, "lab/server")
    result, _ = in_pod(sim_cluster, CLIENT, ["nc", "-u", "-w", "1", ip, "7000"], stdin="ping\n")
    assert result.stdout == "ping\n"
