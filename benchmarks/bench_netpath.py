"""How long a typical `kubectl netpath` takes against the simulated cluster, probes included.

    python benchmarks/bench_netpath.py [--runs 5] [--timeout 2]

Starts tests/scenarios/netpath/services in the simulator (needs root, iproute2, iptables, dnsmasq),
runs the real CLI as a subprocess for a few pairs, with and without probes, and prints the median
and best wall-clock seconds per case, plus the API calls the targeted fetch made.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "plugins")]

SCENARIO = os.path.join(ROOT, "tests", "scenarios", "netpath", "services")
CASES = [
    ("pod -> Service by name (2 endpoints)", ["shop/client", "web"]),
    ("pod -> Service, ClusterIP broken", ["shop/client", "svc/noproxy"]),
    ("pod -> pod", ["shop/client", "shop/web-2", "--port", "8080"]),
]


def timed(argv: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.monotonic() - start


def api_calls(kubeconfig: str, src: str, dst: str) -> int:
    from netdebug.cli.options import ClusterOptions
    from netdebug.cli.path_fetch import fetch
    from netdebug.diagnose.target import parse_destination, parse_source
    from netdebug.kube.client import connect

    cluster = connect(ClusterOptions(kubeconfig=kubeconfig, namespace="shop"))
    fetch(cluster, parse_source(src), parse_destination(dst), "shop")
    return cluster.api_calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", default="2")
    args = parser.parse_args()
    from tests.sim.cluster import SimCluster

    sim = SimCluster.start(SCENARIO, name="bench-netpath")
    try:
        base = [sys.executable, os.path.join(ROOT, "kubectl-netpath"), "--kubeconfig", sim.kubeconfig]
        for label, pair in CASES:
            for mode, extra in (("probes", ["--timeout", args.timeout]), ("--no-probe", ["--no-probe"])):
                times = [timed(base + pair + extra) for _ in range(args.runs)]
                print(f"{label:<40} {mode:<10} median {statistics.median(times):.2f}s  best {min(times):.2f}s")
            print(f"{'':<40} API calls before probes: {api_calls(sim.kubeconfig, pair[0], pair[1])}")
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
