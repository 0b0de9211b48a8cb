"""What --capture and --count 20 cost on a healthy pod -> pod path (issue 11's target: under 3 s,
and under 2 s more than the plain probe, at --timeout 1).

    python benchmarks/bench_capture.py [--runs 7] [--timeout 1]

Starts tests/simtests/scenarios/links in the simulator (root, iproute2, iptables, dnsmasq, tcpdump),
runs the real CLI as a subprocess, the modes interleaved run by run (so machine load hits them
alike), and prints median and best wall-clock seconds per mode and the median extra over the
plain probe. Also the in-process split of one --capture run: start of the captures, stop and read.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "plugins")]

SCENARIO = os.path.join(ROOT, "tests", "simtests", "scenarios", "links")
PAIR = ["lab/client", "lab/ok", "--port", "8080"]  # other node, healthy
CAPTURE = ["--capture", "--capture-dir", "/tmp/netdebug-bench-capture"]
MODES = [("plain probe", []), ("--capture", CAPTURE), ("--count 20", ["--count", "20"]),
         ("--capture --count 20", [*CAPTURE, "--count", "20"])]


def timed(argv: list[str]) -> float:
    start = time.monotonic()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {result.returncode}: {result.stderr.decode()[-300:]}")
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", default="1")
    args = parser.parse_args()
    from tests.sim.cluster import SimCluster

    sim = SimCluster.start(SCENARIO, name="bench-capture")
    try:
        base = [sys.executable, os.path.join(ROOT, "kubectl-netpath"), "--kubeconfig", sim.kubeconfig,
                "--timeout", args.timeout, *PAIR]
        times = {label: [] for label, _ in MODES}
        for _ in range(args.runs):
            for label, extra in MODES:
                times[label].append(timed(base + extra))
        plain = statistics.median(times["plain probe"])
        print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} runs each, --timeout {args.timeout}")
        for label, values in times.items():
            median = statistics.median(values)
            print(f"{label:<22} median {median:.2f} s  best {min(values):.2f} s  extra {median - plain:+.2f} s")
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
