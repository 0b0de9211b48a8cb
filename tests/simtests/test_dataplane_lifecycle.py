"""Hygiene: a stopped run leaves nothing; `down` sweeps after a crash; two runs never interfere;
a 50-pod scenario comes up quickly."""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import kubectl_path, sim_unavailable, unique_run_name
from tests.simtests.simnet_support import REPO, SIM_SCENARIOS, in_pod, leftovers, pod_ip, scaled_scenario, tcp

pytestmark = [pytest.mark.sim, pytest.mark.skipif(sim_unavailable() is not None, reason=str(sim_unavailable()))]
FAULTS = os.path.join(REPO, SIM_SCENARIOS, "faults")


def _start(path, name=None):
    from tests.sim.cluster import SimCluster
    return SimCluster.start(path, name or unique_run_name())


def test_stop_leaves_nothing_even_with_a_command_still_running_in_a_pod():
    sim = _start(FAULTS)
    name = sim.name
    try:
        straggler = subprocess.Popen(["ip", "netns", "exec", sim.pod_netns("lab/client"), "sleep", "300"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert leftovers(name)
    finally:
        sim.stop()
    straggler.wait(timeout=5)
    assert leftovers(name) == []


def _sim(*args):
    return subprocess.run([sys.executable, "-m", "tests.sim", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_up_then_crash_then_down_sweeps_everything():
    name = unique_run_name()
    up = _sim("up", FAULTS, "--name", name)
    assert up.returncode == 0, up.stderr
    kubeconfig = up.stdout.strip()
    assert os.path.exists(kubeconfig) and f"{name}\tup" in _sim("list").stdout
    from tests.sim.registry import Registry
    owner = Registry(name).read()["owner"]
    os.kill(owner, signal.SIGKILL)  # the owner dies without cleaning up
    while os.path.exists(f"/proc/{owner}"):
        time.sleep(0.02)
    assert leftovers(name) and f"{name}\tstale" in _sim("list").stdout
    down = _sim("down", "--name", name)
    assert down.returncode == 0 and leftovers(name) == []


def test_up_with_a_bad_scenario_fails_naming_the_file(tmp_path):
    (tmp_path / "x.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: i}]}\n")
    result = _sim("up", str(tmp_path), "--name", unique_run_name())
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == f"error: {tmp_path}/x.yaml: Pod p: spec.containers[0].name is required"


def test_two_runs_with_the_same_addresses_do_not_interfere():
    first = _start(FAULTS)
    second = _start(FAULTS)
    try:
        assert pod_ip(first, "lab/server") == pod_ip(second, "lab/server")
        assert first.pod_netns("lab/server") != second.pod_netns("lab/server")
        first.stop()
        assert tcp(second, "lab/client", pod_ip(second, "lab/server"), 8080)[0] == 0
        result, _ = in_pod(second, "lab/client", ["getent", "hosts", "server"])
        assert result.returncode == 0
    finally:
        first.stop()
        second.stop()
    assert leftovers(first.name) == [] and leftovers(second.name) == []


def test_fifty_pods_come_up_quickly_and_all_answer(tmp_path):
    scaled_scenario(tmp_path, replicas=48)
    sim = _start(str(tmp_path))
    try:
        pods = sim.store.list("Pod")
        assert len(pods) == 50 and all(p["status"]["phase"] == "Running" for p in pods)
        assert sim.startup_seconds < 20, sim.startup_seconds  # generous; benchmarks/sim_startup.py measures
        script = " ".join(f"nc -z -w 1 {pod_ip(sim, ref)} 8080 || echo FAIL {ref};"
                          for ref in sorted(sim.plane.pods) if ref.startswith("load/web-"))
        result, _ = in_pod(sim, "load/client", ["sh", "-c", script], timeout=60)
        assert result.stdout == ""
        assert tcp(sim, "load/client", "web", 80)[0] == 0
    finally:
        sim.stop()


def test_down_leaves_a_run_owned_by_a_live_test_session_alone():
    sim = _start(FAULTS)
    try:
        assert "left alone" in _sim("down", "--name", sim.name).stdout
        assert sim.name not in _sim("down", "--stale").stdout
        assert tcp(sim, "lab/client", pod_ip(sim, "lab/server"), 8080)[0] == 0
    finally:
        sim.stop()


def test_a_start_that_fails_half_way_cleans_up(monkeypatch):
    from tests.sim.dataplane import DataPlane

    def broken(self, slow):
        raise RuntimeError("listeners did not start")

    monkeypatch.setattr(DataPlane, "_start_listeners", broken)
    name = unique_run_name()
    with pytest.raises(RuntimeError, match="listeners did not start"):
        _start(FAULTS, name)
    assert leftovers(name) == []


def test_up_over_a_crashed_run_of_the_same_name_starts_afresh():
    name = unique_run_name()
    first = _sim("up", FAULTS, "--name", name)
    from tests.sim.registry import Registry
    owner = Registry(name).read()["owner"]
    os.kill(owner, signal.SIGKILL)
    while os.path.exists(f"/proc/{owner}"):
        time.sleep(0.02)
    try:
        second = _sim("up", FAULTS, "--name", name)
        assert second.returncode == 0, second.stderr
        assert Registry(name).read()["owner"] != owner and not is_stale_run(name)
        answered = subprocess.run([kubectl_path(), "--kubeconfig", second.stdout.strip(), "get", "namespaces"],
                                  capture_output=True, text=True, timeout=30)
        assert first.returncode == 0 and answered.returncode == 0, answered.stderr  # the new server's kubeconfig
    finally:
        assert _sim("down", "--name", name).returncode == 0
    assert leftovers(name) == []


def is_stale_run(name):
    from tests.sim.registry import is_stale
    return is_stale(name)


def test_a_listener_daemon_that_dies_says_why(monkeypatch):
    from tests.sim import daemons
    real = daemons.listener_entries

    def with_a_missing_namespace(objects, netns_of):
        return real(objects, netns_of) + [{"netns": "/run/netns/nds-no-such-netns", "ip": "0.0.0.0", "port": 80,
                                          "protocol": "TCP", "pod": "x/y", "container": "c", "http_status": 200}]

    monkeypatch.setattr(daemons, "listener_entries", with_a_missing_namespace)
    name = unique_run_name()
    with pytest.raises(RuntimeError) as err:
        _start(FAULTS, name)
    assert str(err.value).startswith("listeners did not start: the daemon logging to listeners.log exited with code 1:")
    assert "No such file or directory" in str(err.value) and "/run/netns/nds-no-such-netns" in str(err.value)
    assert leftovers(name) == []
