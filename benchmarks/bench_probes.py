#!/usr/bin/env python3
"""Probe throughput over exec: N TCP probes from one container at several parallelisms.

    python benchmarks/bench_probes.py [--probes 64] [--parallel 1,8,16,32]

Starts the simulated cluster with the probe lab (tests/kube/scenarios/probes) and probes the
server pod's open port from the `nconly` container (one `nc -z` exec per probe). Prints wall time,
this process's CPU time (exec setup, TLS, websocket framing) and the probes per second. The
simulator's API server spawns each command with `ip netns exec`, so on a small machine it, not
netdebug, sets the pace: compare the CPU column with the wall column.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from netdebug.cli.options import ClusterOptions  # noqa: E402
from netdebug.kube.client import connect  # noqa: E402
from netdebug.probe.run import ProbeSpec, run_probes  # noqa: E402
from netdebug.probe.tools import detect_tools  # noqa: E402

SCENARIO = "tests/kube/scenarios/probes"
SOURCE = ("lab", "client", "nconly")


def start(name: str) -> str:
    up = subprocess.run([sys.executable, "-m", "tests.sim", "up", SCENARIO, "--name", name],
                        cwd=ROOT, capture_output=True, text=True, check=True)
    return up.stdout.strip()


def measure(cluster, count: int, parallel: int, toolsets: dict) -> tuple[float, float, set]:
    ip = cluster.get("Pod", "lab", "server")["status"]["podIP"]
    specs = [ProbeSpec("tcp", *SOURCE, ip, 8080)] * count
    wall, cpu = time.perf_counter(), time.process_time()
    results = run_probes(cluster, specs, timeout=1, parallel=parallel, toolsets=toolsets)
    return time.perf_counter() - wall, time.process_time() - cpu, {r.outcome for r in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=64)
    parser.add_argument("--parallel", default="1,8,16,32")
    args = parser.parse_args()
    name = f"bench-probes{os.getpid()}"
    cluster = connect(ClusterOptions(kubeconfig=start(name)))
    try:
        toolsets = {SOURCE: detect_tools(cluster, *SOURCE)}
        print(f"{args.probes} TCP probes, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
        print("| parallel | wall s | client CPU s | probes/s | outcomes |\n| ---: | ---: | ---: | ---: | --- |")
        for parallel in (int(p) for p in args.parallel.split(",")):
            wall, cpu, outcomes = measure(cluster, args.probes, parallel, toolsets)
            print(f"| {parallel} | {wall:.2f} | {cpu:.2f} | {args.probes / wall:.0f} | {', '.join(sorted(outcomes))} |")
    finally:
        subprocess.run([sys.executable, "-m", "tests.sim", "down", "--name", name], cwd=ROOT,
                       capture_output=True, check=False)


if __name__ == "__main__":
    main()
