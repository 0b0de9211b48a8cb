"""What `kubectl netpath external` costs, run as the user runs it: from the simulator's outside namespace.

    python benchmarks/bench_external.py [--runs 7] [--timeout 1]

Starts tests/scenarios/netpath/outside (root, iproute2, iptables, dnsmasq), runs the real CLI as a
subprocess inside nds-<run>_outside for a few destinations, interleaved run by run, and prints median
and best wall-clock seconds. A fault that makes a probe wait for --timeout costs that timeout once
(all probes of a round run in parallel).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "plugins")]

SCENARIO = os.path.join(ROOT, "tests", "scenarios", "netpath", "outside")
CASES = [("https Ingress, healthy", "https://shop.example.com/"), ("ExternalDNS name on an LB", "http://web.example.com/"),
         ("NodePort, healthy", "svc/web-np"), ("stale record (one probe times out)", "http://stale.example.com/"),
         ("--no-probe (static walk)", "https://shop.example.com/ --no-probe")]


def timed(netns: str, kubeconfig: str, args: list[str], timeout: float) -> float:
    argv = ["ip", "netns", "exec", netns, sys.executable, "-c", "from netdebug.cli.netpath import main; main()",
            "external", *args, "-n", "web", "--timeout", str(timeout), "--kubeconfig", kubeconfig, "-o", "json"]
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "plugins")}
    start = time.monotonic()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)}: exit {result.returncode}: {result.stderr.decode()[-300:]}")
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=1.0)
    options = parser.parse_args()
    from tests.sim.cluster import SimCluster

    sim = SimCluster.start(SCENARIO, name=f"bench-ext-{os.getpid()}")
    try:
        seconds = {label: [] for label, _ in CASES}
        for _ in range(options.runs):
            for label, args in CASES:
                seconds[label].append(timed(sim.outside_netns, sim.kubeconfig, args.split(), options.timeout))
    finally:
        sim.stop()
    print(f"netpath external, {options.runs} runs, --timeout {options.timeout:g} (seconds: median / best)")
    for label, values in seconds.items():
        print(f"  {label:<36} {statistics.median(values):5.2f} / {min(values):5.2f}")


if __name__ == "__main__":
    main()
