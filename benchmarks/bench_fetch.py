#!/usr/bin/env python3
"""Live loading speed: fetch_snapshot (plain JSON, paged, parallel) vs the client's model objects.

    python benchmarks/bench_fetch.py [--pods 5000] [--policies 500]

Serves a synthetic cluster (benchmarks/synthetic.py) from the simulator's fake API server (HTTPS,
no data plane, no root needed; in a child process) and times, in this process:
  - netdebug: fetch_snapshot(Namespace, Pod, NetworkPolicy, -A) -> plain dicts;
  - kubernetes client: CoreV1Api/NetworkingV1Api list_*_for_all_namespaces -> model objects
    (what a straightforward use of the client does), same page size.
Prints the wall time and the API calls; the model path also pays its import (shown separately).
"""
import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from benchmarks.synthetic import Shape, generate  # noqa: E402
from netdebug.cli.options import ClusterOptions  # noqa: E402
from netdebug.kube.client import Cluster  # noqa: E402
from netdebug.kube.config import load_config  # noqa: E402
from netdebug.kube.fetch import fetch_snapshot  # noqa: E402
from tests.sim.apiserver import Store, start_server  # noqa: E402

PAGE = 500


class NoRuntime:
    """The fake API server wants a runtime; nothing here execs."""

    async def spawn(self, pod, container, argv):
        raise RuntimeError("no exec in this benchmark")

    def logs(self, pod, container):
        return []

    def container_added(self, pod, container):
        return None


def serve(shape: Shape, workdir: str, ready, stop) -> None:
    """In a child process, so the server does not share this process's CPU time and GIL."""
    store = Store()
    for obj in generate(shape):
        store.add(obj)
    server = start_server(store, NoRuntime(), Path(workdir) / "apiserver")
    ready.send(str(server.kubeconfig))
    stop.wait()
    server.stop()


def with_netdebug(kubeconfig: str) -> tuple[float, float, int, int]:
    started, cpu = time.perf_counter(), time.process_time()
    options = ClusterOptions(kubeconfig=kubeconfig, all_namespaces=True)
    cluster = Cluster(load_config(options), page_size=PAGE)
    snapshot = fetch_snapshot(options, ("Namespace", "Pod", "NetworkPolicy"), cluster=cluster)
    return time.perf_counter() - started, time.process_time() - cpu, len(snapshot.of("Pod")), cluster.api_calls


def with_models(kubeconfig: str) -> tuple[float, float, float, int, int]:
    started, cpu = time.perf_counter(), time.process_time()
    from kubernetes import client, config

    core_api, networking_api = client.CoreV1Api, client.NetworkingV1Api  # runs the package __init__s
    imported = time.perf_counter() - started
    api = config.new_client_from_config(kubeconfig)
    core, networking, calls, pods = core_api(api), networking_api(api), 0, 0
    core.list_namespace()
    for lister in (core.list_pod_for_all_namespaces, networking.list_network_policy_for_all_namespaces):
        token = None
        while True:
            page = lister(limit=PAGE, _continue=token) if token else lister(limit=PAGE)
            calls += 1
            pods += len(page.items) if lister == core.list_pod_for_all_namespaces else 0
            token = page.metadata._continue
            if not token:
                break
    return time.perf_counter() - started, time.process_time() - cpu, imported, pods, calls + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--policies", type=int, default=500)
    parser.add_argument("--namespaces", type=int, default=50)
    args = parser.parse_args()
    shape = Shape(args.namespaces, args.pods, args.policies)
    with tempfile.TemporaryDirectory() as workdir:
        receive, send = multiprocessing.Pipe(duplex=False)
        stop = multiprocessing.Event()
        server = multiprocessing.Process(target=serve, args=(shape, workdir, send, stop))
        server.start()
        try:
            kubeconfig = receive.recv()
            ours, our_cpu, pods, calls = with_netdebug(kubeconfig)
            theirs, their_cpu, imported, their_pods, their_calls = with_models(kubeconfig)
        finally:
            stop.set()
            server.join()
    print(f"{pods} pods, {args.policies} policies, {args.namespaces} namespaces, page size {PAGE}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| how | wall s | client CPU s | API calls |\n| --- | ---: | ---: | ---: |")
    print(f"| netdebug fetch_snapshot (plain JSON, parallel lists) | {ours:.2f} | {our_cpu:.2f} | {calls} |")
    print(f"| kubernetes client model objects ({their_pods} pods; its import, {imported:.2f} s, included) "
          f"| {theirs:.2f} | {their_cpu:.2f} | {their_calls} |")


if __name__ == "__main__":
    main()
