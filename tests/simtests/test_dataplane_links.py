"""Link faults of the `links` scenario on the wire: netem delay and loss (shaper.py), replies lost on
their way back, a node whose link MTU is a black hole, a broken route between two nodes."""
import os
import time

import pytest

from tests.simtests.simnet_support import SIM_SCENARIOS, in_pod, pod_ip, tcp

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", [os.path.join(SIM_SCENARIOS, "links")],
                                                       indirect=True)]
CLIENT = "lab/client"
ECHO = """
import socket, sys
s = socket.create_connection((sys.argv[1], 8080), 2); s.settimeout(2)
data = b"x" * int(sys.argv[2]); s.sendall(data); got = b""
try:
    while len(got) < len(data):
        chunk = s.recv(65536)
        if not chunk: break
        got += chunk
except OSError:
    pass
print(len(got))
"""


def _echoed(sim, ref, target, size):
    result, _ = in_pod(sim, ref, ["python3", "-c", ECHO, pod_ip(sim, target), str(size)])
    return int(result.stdout.strip() or 0)


def test_healthy_pods_answer_fast(sim_cluster):
    for target in ("lab/near", "lab/ok"):
        code, _, seconds = tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, target), 8080)
        assert code == 0 and seconds < 0.5, target


def test_netem_delay_slows_the_handshake(sim_cluster):
    code, _, seconds = tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/slow"), 8080)
    assert code == 0 and 0.2 <= seconds < 1.0


def test_netem_loss_loses_about_a_fifth_of_the_packets(sim_cluster):
    script = ("import socket,sys\nok=0\nfor i in range(100):\n try:\n  socket.create_connection((sys.argv[1],8080),0.3).close(); ok+=1\n"
              " except OSError: pass\nprint(ok)")
    result, _ = in_pod(sim_cluster, CLIENT, ["python3", "-c", script, pod_ip(sim_cluster, "lab/lossy")], timeout=60)
    assert 55 <= int(result.stdout) <= 95  # a SYN or a SYN-ACK lost: 1 - 0.8 (SYN) ~ 20% (replies are not shaped)


def test_replies_are_lost_on_the_way_back(sim_cluster):
    code, err, _ = tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/replydrop"), 8080, wait=1)
    assert code == 1 and "timed out" in err


def test_mtu_black_hole_small_passes_large_hangs_same_size_elsewhere_passes(sim_cluster):
    assert _echoed(sim_cluster, CLIENT, "lab/big", 500) == 500
    assert _echoed(sim_cluster, CLIENT, "lab/big", 5000) == 0
    assert _echoed(sim_cluster, CLIENT, "lab/ok", 5000) == 5000


def test_no_route_between_node_1_and_node_4_only(sim_cluster):
    assert tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/island"), 8080, wait=1)[0] == 1
    assert tcp(sim_cluster, "lab/neighbour", pod_ip(sim_cluster, "lab/island"), 8080)[0] == 0
    assert tcp(sim_cluster, "lab/ok", pod_ip(sim_cluster, "lab/island"), 8080)[0] == 0


def test_tcpdump_runs_in_a_pod_and_sees_its_packets(sim_cluster):
    import shutil
    if not shutil.which("tcpdump", path="/usr/sbin:/usr/bin:/sbin:/bin"):
        pytest.skip("needs tcpdump on this machine (apt-get install tcpdump; .ci/run does)")
    capture = os.path.join(sim_cluster.plane.file(), "t.pcap")
    import subprocess
    dump = subprocess.Popen(["ip", "netns", "exec", sim_cluster.pod_netns(CLIENT), "tcpdump", "-i", "any", "-U", "-c", "2",
                             "-w", capture, "tcp port 8080"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    tcp(sim_cluster, CLIENT, pod_ip(sim_cluster, "lab/ok"), 8080)
    assert dump.wait(timeout=5) == 0 and os.path.getsize(capture) > 24
