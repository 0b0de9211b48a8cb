"""Whole-cluster triage speed: `kubectl svcdebug -A --no-probe` on a generated cluster with planted faults.

    python benchmarks/bench_triage.py [--services 1000] [--namespaces 50] [--runs 5] [--seed 1]

The cluster comes from benchmarks/triage_cluster.py; the simulator's API server serves it (objects,
pod status, EndpointSlices as its controllers compute them; no data plane: --no-probe sends no
packets, so no root is needed). Prints the CLI's wall time per run (a real subprocess, as a user runs
it), the median, the API calls of one triage, and whether every planted fault was reported.
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


def run_cli(kubeconfig: str) -> tuple[float, float, int, list[dict]]:
    """(wall seconds, CPU seconds of the process, exit code, reports)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, os.path.join(REPO, "kubectl-svcdebug"), "-A", "--no-probe",
                           "--kubeconfig", kubeconfig, "-o", "json"], capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"svcdebug failed ({done.returncode}): {done.stderr}")
    return elapsed, _children_cpu() - cpu_before, done.returncode, json.loads(done.stdout)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def missed(directory: str, reports: list[dict]) -> list[str]:
    found = {r["service"]: {f["code"] for f in r["findings"]} for r in reports}
    expected = json.load(open(os.path.join(directory, "expected.json")))
    return [f"{e['namespace']}/{e['name']}: {e['code']}" for e in expected
            if e["code"] and e["code"] not in found.get(f"{e['namespace']}/{e['name']}", set())]


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        triage_cluster.write(directory, args.services, args.namespaces, args.seed)
        server = serve(directory, os.path.join(directory, "server"))
        kubeconfig = str(server.kubeconfig)
        times, cpus = [], []
        for run in range(args.runs):
            elapsed, cpu, code, reports = run_cli(kubeconfig)
            times.append(elapsed)
            cpus.append(cpu)
            print(f"run {run + 1}: {elapsed:.2f} s wall, {cpu:.2f} s CPU, exit {code}, {len(reports)} Services", flush=True)
        print(f"median {statistics.median(times):.2f} s wall (min {min(times):.2f}, max {max(times):.2f}), "
              f"{statistics.median(cpus):.2f} s CPU; "
              f"API calls per triage: {api_calls(kubeconfig)}; load average {os.getloadavg()[0]:.1f}")
        lost = missed(directory, reports)
        print(f"planted faults missed: {len(lost)}" + (f" {lost[:10]}" if lost else ""))


if __name__ == "__main__":
    main()
