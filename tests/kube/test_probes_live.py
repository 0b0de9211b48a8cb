"""Probes through the simulated cluster: real execs in real network namespaces, real packets."""
import shutil
import time

import pytest

from netdebug.cli.options import ClusterOptions
from netdebug.errors import InputError
from netdebug.kube.client import connect
from netdebug.probe.run import ProbeSpec, run_probes
from netdebug.probe.source import prepare_source

SCENARIO = "tests/kube/scenarios/probes"
pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)]
WITH_TCP = ("app", "nconly", "pyonly", "curlonly", "wgetonly", "bashonly")


@pytest.fixture
def cluster(sim_cluster):
    return connect(ClusterOptions(kubeconfig=sim_cluster.kubeconfig))


def server_ip(cluster):
    return cluster.get("Pod", "lab", "server")["status"]["podIP"]


def probe(container, kind, target="", port=None, path=None):
    return ProbeSpec(kind, "lab", "client", container, target, port, path)


def test_tcp_connected_refused_timeout_with_every_tool(cluster):
    ip = server_ip(cluster)
    specs = [probe(c, "tcp", ip, port) for c in WITH_TCP for port in (8080, 8081, 9)]
    results = run_probes(cluster, specs, timeout=1)
    outcomes = {(r.spec.container, r.spec.port): (r.outcome, r.tool) for r in results}
    for container in WITH_TCP:
        got = [outcomes[(container, port)][0] for port in (8080, 8081, 9)]
        assert got == ["connected", "refused", "timeout"], (container, outcomes[(container, 8080)])
    assert {outcomes[(c, 8080)][1] for c in WITH_TCP} == {"nc", "python3", "curl", "wget", "bash"}


def test_dns_http_udp_listening_resolv(cluster):
    ip = server_ip(cluster)
    service_ip = cluster.get("Service", "lab", "web")["spec"]["clusterIP"]
    specs = [probe("app", "dns", "web"), probe("app", "dns", "nosuch.lab.svc.cluster.local"),
             probe("wgetonly", "dns", "web.lab"), probe("wgetonly", "dns", "nosuch.lab.svc.cluster.local"),
             probe("app", "http", ip, 8080, "/"), probe("wgetonly", "http", ip, 8080, "/"),
             probe("pyonly", "http", ip, 8080, "/healthz"), probe("curlonly", "http", ip, 8081, "/"),
             probe("pyonly", "udp", ip, 5353), probe("pyonly", "udp", ip, 5354),
             ProbeSpec("listening", "lab", "server", "web"), probe("nconly", "resolv")]
    dns_ok, dns_missing, getent_ok, getent_missing, http, wget_http, py_http, refused, udp, udp_refused, \
        listening, resolv = run_probes(cluster, specs, timeout=2)
    assert (dns_ok.outcome, dns_ok.addresses, dns_ok.tool) == ("resolved", (service_ip,), "python3")
    assert dns_missing.outcome == "nxdomain"
    assert (getent_ok.outcome, getent_ok.addresses, getent_ok.tool) == ("resolved", (service_ip,), "getent")
    assert getent_missing.outcome == "nxdomain"
    assert [(r.outcome, r.detail) for r in (http, wget_http, py_http)] == [("http", "200")] * 3
    assert refused.outcome == "refused"
    assert udp.outcome == "connected" and udp_refused.outcome == "refused"
    assert {"address": "0.0.0.0", "port": 8080, "protocol": "TCP"} in listening.sockets
    assert {"address": "0.0.0.0", "port": 5353, "protocol": "UDP"} in listening.sockets
    assert resolv.search[0] == "lab.svc.cluster.local" and resolv.ndots == 5 and resolv.nameservers
    assert resolv.to_dict()["ndots"] == 5 and "sockets" in listening.to_dict()


def test_tool_less_and_stopped_containers(cluster):
    ip = server_ip(cluster)
    bare = prepare_source(cluster, cluster.get("Pod", "lab", "client"), container="bare")
    assert bare.toolset.empty and not bare.toolset.error
    assert "--ephemeral" in bare.notes[0]
    results = run_probes(cluster, [probe("bare", "tcp", ip, 8080), probe("bare", "dns", "web"),
                                   probe("broken", "tcp", ip, 8080), probe("curlonly", "dns", "web")], timeout=1)
    assert [r.outcome for r in results] == ["no-tool", "no-tool", "exec-failed", "no-tool"]
    assert "not created or running" in results[2].detail


def test_hostile_input_never_runs(cluster, tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(InputError):
        run_probes(cluster, [probe("app", "tcp", f"$(touch {marker})", 80)], timeout=1)
    path = f"/$(touch${{IFS}}{marker})`touch${{IFS}}{marker}`;touch${{IFS}}{marker}"
    ip = server_ip(cluster)
    results = run_probes(cluster, [probe(c, "http", ip, 8080, path) for c in ("app", "wgetonly", "pyonly")], timeout=1)
    assert [r.outcome for r in results] == ["http"] * 3
    assert not marker.exists()


def test_probes_run_in_parallel_each_bounded_by_the_timeout(cluster):
    ip = server_ip(cluster)
    started = time.monotonic()
    results = run_probes(cluster, [probe("nconly", "tcp", ip, 9)] * 8, timeout=1)
    elapsed = time.monotonic() - started
    assert [r.outcome for r in results] == ["timeout"] * 8
    assert elapsed < 4, f"8 one-second timeouts took {elapsed:.1f}s: not parallel"


def test_ephemeral_source(cluster):
    told = []
    source = prepare_source(cluster, cluster.get("Pod", "lab", "client"), container="bare",
                            ephemeral_image="busybox:1.36", notify=told.append)
    assert source.ephemeral and source.container.startswith("netdebug-") and not source.toolset.empty
    assert told == list(source.notes) and "cannot remove ephemeral containers" in told[0]
    [result] = run_probes(cluster, [probe(source.container, "tcp", server_ip(cluster), 8080)], timeout=1,
                          toolsets={source.key: source.toolset})
    assert result.outcome == "connected"


def test_ephemeral_refused_degrades_to_exec_failed(sim_cluster):
    limited = connect(ClusterOptions(kubeconfig=sim_cluster.kubeconfig, context="sim-limited"))
    source = prepare_source(limited, limited.get("Pod", "lab", "client"), ephemeral_image="busybox")
    assert source.toolset.error.startswith("forbidden to add an ephemeral container")
    [result] = run_probes(limited, [probe(source.container, "tcp", "10.0.0.1", 80)], timeout=1,
                          toolsets={source.key: source.toolset})
    assert result.outcome == "exec-failed"


def test_busybox_binary_only_container(cluster):
    """No shell, no applet links: only the busybox binary (as in some minimal images)."""
    if not shutil.which("busybox"):
        pytest.skip("busybox is not installed on this machine (apt-get install busybox; .ci/run does)")
    ip = server_ip(cluster)
    specs = [probe("bbonly", "tcp", ip, port) for port in (8080, 8081, 9)]
    specs += [probe("bbonly", "dns", "web"), probe("bbonly", "dns", "nosuch.lab.svc.cluster.local"),
              probe("bbonly", "resolv"), probe("bbonly", "udp", ip, 5353)]
    results = run_probes(cluster, specs, timeout=1)
    assert {r.tool for r in results[:-1]} == {"busybox"}
    assert [r.outcome for r in results] == ["connected", "refused", "timeout", "resolved", "nxdomain", "read", "no-tool"]
    service_ip = cluster.get("Service", "lab", "web")["spec"]["clusterIP"]
    assert results[3].addresses == (service_ip,) and results[5].ndots == 5
