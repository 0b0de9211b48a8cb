"""Whole-cluster triage speed: `kubectl svcdebug -A --no-probe` on a generated cluster with planted faults.

    python benchmarks/bench_triage.py [--services 1000] [--namespaces 50] [--runs 5] [--seed 1]
    sudo python benchmarks/bench_triage.py --probe --services 200 --namespaces 10 --runs 3

The cluster comes from benchmarks/triage_cluster.py; the simulator's API server serves it (objects,
pod status, EndpointSlices as its controllers compute them; no data plane: --no-probe sends no
packets, so no root is needed). Prints the CLI's wall time per run (a real subprocess, as a user runs
it), the median, the API calls of one triage, and whether every planted fault was reported.
With --probe the whole simulated cluster starts (root: real network namespaces) and svcdebug also
probes every Service (--timeout 1).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "plugins"))
sys.path.insert(0, os.path.join(REPO, "benchmarks"))

import triage_cluster  # noqa: E402
from tests.sim import controllers, scenario  # noqa: E402
from tests.sim.apiserver import Store, start_server  # noqa: E402
from tests.sim.cluster import served_kinds  # noqa: E402
from tests.simtests.apiserver_support import LocalRuntime  # noqa: E402


def serve(directory: str, workdir: str):
    loaded = scenario.load(os.path.join(directory, "cluster"), served_kinds())
    store = Store()
    for obj in controllers.reconcile(loaded.objects):
        store.add(obj)
    return start_server(store, LocalRuntime(), workdir)


def run_cli(kubeconfig: str, probe: bool = False) -> tuple[float, float, int, list[dict]]:
    """(wall seconds, CPU seconds of the process, exit code, reports)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    mode = ["--timeout", "1"] if probe else ["--no-probe"]
    done = subprocess.run([sys.executable, os.path.join(REPO, "kubectl-svcdebug"), "-A", *mode,
                           "--kubeconfig", kubeconfig, "-o", "json"], capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"svcdebug failed ({done.returncode}): {done.stderr}")
    return elapsed, _children_cpu() - cpu_before, done.returncode, json.loads(done.stdout)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def missed(directory: str, reports: list[dict], probed: bool) -> list[str]:
    found = {r["service"]: {f["code"] for f in r["findings"]} for r in reports}
    expected = json.load(open(os.path.join(directory, "expected.json")))
    key = "probedCode" if probed else "code"
    return [f"{e['namespace']}/{e['name']}: {e[key]}" for e in expected
            if e[key] and e[key] not in found.get(f"{e['namespace']}/{e['name']}", set())]


def api_calls(kubeconfig: str) -> int:
    from netdebug.cli.options import ClusterOptions
    from netdebug.cli.svc_triage import _live_snapshot
    from netdebug.kube.client import connect

    cluster = connect(ClusterOptions(kubeconfig=kubeconfig, all_namespaces=True))
    _live_snapshot(cluster, None, None)
    return cluster.api_calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--namespaces", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--probe", action="store_true", help="start the whole simulated cluster and probe (root)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        triage_cluster.write(directory, args.services, args.namespaces, args.seed)
        sim = None
        if args.probe:
            from tests.sim.cluster import SimCluster

            sim = SimCluster.start(os.path.join(directory, "cluster"), name=f"triage{os.getpid()}")
            kubeconfig = sim.kubeconfig
        else:
            kubeconfig = str(serve(directory, os.path.join(directory, "server")).kubeconfig)
        try:
            report(args, directory, kubeconfig)
        finally:
            if sim is not None:
                sim.stop()


def report(args, directory: str, kubeconfig: str) -> None:
    times, cpus = [], []
    for run in range(args.runs):
        elapsed, cpu, code, reports = run_cli(kubeconfig, args.probe)
        times.append(elapsed)
        cpus.append(cpu)
        print(f"run {run + 1}: {elapsed:.2f} s wall, {cpu:.2f} s CPU, exit {code}, {len(reports)} Services", flush=True)
    # with --probe the CPU figure also counts the simulator's exec processes (children of this one)
    print(f"median {statistics.median(times):.2f} s wall (min {min(times):.2f}, max {max(times):.2f}), "
          f"{statistics.median(cpus):.2f} s CPU; "
          f"API calls per triage: {api_calls(kubeconfig)}; load average {os.getloadavg()[0]:.1f}")
    lost = missed(directory, reports, args.probe)
    print(f"planted faults missed: {len(lost)}" + (f" {lost[:10]}" if lost else ""))


if __name__ == "__main__":
    main()
