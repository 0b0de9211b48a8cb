"""kubectl netpath capture POD: a pcap stream to a file or stdout, bounded, readable by tcpdump, bad input exit 2."""
import os
import subprocess
import sys
import threading
import time

import pytest

from tests.simtests.simnet_support import in_pod, pod_ip

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/simtests/scenarios/links"], indirect=True)]
NETPATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "kubectl-netpath")


def _netpath(sim, *args, timeout=30):
    env = {**os.environ, "KUBECONFIG": sim.kubeconfig}
    return subprocess.run([sys.executable, NETPATH, "capture", *args], capture_output=True, env=env, timeout=timeout)


def test_capture_to_a_file_until_the_time_limit(sim_cluster, tmp_path):
    target = tmp_path / "ok.pcap"
    poke = threading.Timer(1.5, lambda: in_pod(sim_cluster, "lab/client", ["nc", "-z", pod_ip(sim_cluster, "lab/ok"), "8080"]))
    poke.start()
    started = time.monotonic()
    result = _netpath(sim_cluster, "-n", "lab", "ok", "-w", str(target), "--filter", "tcp port 8080", "--duration", "3")
    poke.join()
    assert result.returncode == 0, result.stderr
    assert 2.5 < time.monotonic() - started < 15
    assert b"nothing is added" not in result.stderr and b"container main" in result.stderr
    read = subprocess.run(["tcpdump", "-nn", "-r", str(target)], capture_output=True, text=True)
    assert read.returncode == 0 and "8080: Flags [S]" in read.stdout


def test_capture_to_stdout_is_pcap_and_stops_at_the_packet_limit(sim_cluster):
    poke = threading.Timer(1.0, lambda: in_pod(sim_cluster, "lab/client", ["nc", "-z", pod_ip(sim_cluster, "lab/ok"), "8080"]))
    poke.start()
    result = _netpath(sim_cluster, "lab/ok", "-w", "-", "--packets", "2", "--duration", "20")
    poke.join()
    assert result.returncode == 0 and result.stdout[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
    from netdebug.probe.pcap import read_pcap
    assert len(read_pcap(result.stdout)) == 2


@pytest.mark.parametrize("args,message", [(["lab/ok", "--filter", "-e; reboot", "-w", "-"], b"not a BPF expression"),
                                          (["lab/ok", "-c", "nope", "-w", "-"], b"has containers main"),
                                          (["lab/nothere", "-w", "-"], b"not found")])
def test_bad_input_is_one_line_exit_2(sim_cluster, args, message):
    result = _netpath(sim_cluster, *args)
    assert result.returncode == 2 and message in result.stderr and b"Traceback" not in result.stderr
