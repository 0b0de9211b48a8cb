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


class Poker(threading.Thread):
    """Connects from lab/client to lab/ok every 0.3 s until stopped: whenever the capture gets ready, traffic comes."""

    def __init__(self, sim):
        super().__init__(daemon=True)
        self.sim, self.done = sim, threading.Event()

    def run(self):
        while not self.done.wait(0.3):
            in_pod(self.sim, "lab/client", ["nc", "-z", "-w", "1", pod_ip(self.sim, "lab/ok"), "8080"])

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_):
        self.done.set()
        self.join()


def _netpath(sim, *args, timeout=30):
    env = {**os.environ, "KUBECONFIG": sim.kubeconfig}
    return subprocess.run([sys.executable, NETPATH, "capture", *args], capture_output=True, env=env, timeout=timeout)


def test_capture_to_a_file_until_the_time_limit(sim_cluster, tmp_path):
    target = tmp_path / "ok.pcap"
    started = time.monotonic()
    with Poker(sim_cluster):
        result = _netpath(sim_cluster, "-n", "lab", "ok", "-w", str(target), "--filter", "tcp port 8080", "--duration", "3")
    assert result.returncode == 0, result.stderr
    assert 2.5 < time.monotonic() - started < 15
    assert b"nothing is added" not in result.stderr and b"container main" in result.stderr
    read = subprocess.run(["tcpdump", "-nn", "-r", str(target)], capture_output=True, text=True)
    assert read.returncode == 0 and "8080: Flags [S]" in read.stdout


def test_capture_to_stdout_is_pcap_and_stops_at_the_packet_limit(sim_cluster):
    with Poker(sim_cluster):
        result = _netpath(sim_cluster, "lab/ok", "-w", "-", "--packets", "2", "--duration", "20", "--filter", "tcp port 8080")
    assert result.returncode == 0 and result.stdout[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
    from netdebug.probe.pcap import read_pcap
    assert len(read_pcap(result.stdout)) == 2


@pytest.mark.parametrize("args,message", [(["lab/ok", "--filter", "-e; reboot", "-w", "-"], b"not a BPF expression"),
                                          (["lab/ok", "-c", "nope", "-w", "-"], b"has containers main"),
                                          (["lab/nothere", "-w", "-"], b"not found")])
def test_bad_input_is_one_line_exit_2(sim_cluster, args, message):
    result = _netpath(sim_cluster, *args)
    assert result.returncode == 2 and message in result.stderr and b"Traceback" not in result.stderr
