"""Container-to-container over localhost, and the same port seen from another pod (127.0.0.1 only)."""
import pytest

from .conftest import hop, live, probe

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/containers"], indirect=True)]


def test_localhost_listener_reachable_from_sibling(sim_cluster):
    code, report = live(sim_cluster, "app/duo", "app/duo", "-c", "sidecar", "--to-container", "web")
    assert (code, report["verdict"]) == (0, "reachable")
    assert probe(report, "localhost")["target"] == "127.0.0.1"
    assert {"address": "127.0.0.1", "port": 8080, "protocol": "TCP"} in probe(report, "listening")["sockets"]


def test_nothing_listening_in_sibling(sim_cluster):
    code, report = live(sim_cluster, "app/duo", "app/duo", "-c", "sidecar", "--to-container", "metrics")
    assert (code, report["verdict"]) == (1, "blocked at destination")
    assert hop(report, "destination")["code"] == "not-listening"


def test_localhost_only_listener_refuses_other_pods_with_the_bind_fix(sim_cluster):
    code, report = live(sim_cluster, "app/client", "app/duo", "--port", "8080")
    assert (code, report["verdict"]) == (1, "blocked at destination")
    finding = next(f for f in report["findings"] if f["code"] == "listening-loopback-only")
    assert "127.0.0.1:8080/TCP" in finding["evidence"]["the container listens on"]["app/duo"]
    assert "0.0.0.0:8080/TCP" not in finding["evidence"]["the container listens on"]["app/duo"]
    assert "bind 0.0.0.0:8080" in finding["fix"] and "not 127.0.0.1:8080" in finding["fix"]


def test_tool_less_source_container_with_and_without_ephemeral(sim_cluster):
    code, report = live(sim_cluster, "app/duo", "app/duo", "-c", "web", "--to-container", "metrics")
    assert probe(report, "localhost")["outcome"] == "no-tool" and report["verdict"] == "reachable"
    code, report = live(sim_cluster, "app/duo", "app/duo", "-c", "web", "--to-container", "metrics",
                        "--ephemeral", "busybox:1.36")
    assert (code, report["verdict"]) == (1, "blocked at destination")


def test_all_addresses_listener_reachable_from_sibling_and_other_pods(sim_cluster):
    code, report = live(sim_cluster, "app/duo", "app/duo", "-c", "sidecar", "--to-container", "api")
    assert (code, report["verdict"]) == (0, "reachable")
    assert {"address": "0.0.0.0", "port": 9000, "protocol": "TCP"} in probe(report, "listening")["sockets"]
    code, report = live(sim_cluster, "app/client", "app/duo", "--port", "api")
    assert (code, report["verdict"], report["port"]) == (0, "reachable", 9000)
