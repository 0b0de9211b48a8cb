"""How fast the simulator's fake API server answers, by pod count (no root needed).

    python benchmarks/sim_apiserver.py [PODS ...]      (default: 100 1000 5000)

Per size: server start, one list of all pods as raw JSON and as client models, a
`kubectl get pods -A`, and one exec round trip (`true`) with the Python client.
Best of 3 runs per step; run from the repository root with the venv's python.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kubernetes import client  # noqa: E402
from kubernetes.stream import stream  # noqa: E402

from tests.sim.apiserver import Store, start_server  # noqa: E402
from tests.simtests.apiserver_support import LocalRuntime, api_client, pod  # noqa: E402

KUBECTL = shutil.which("kubectl", path=os.path.dirname(sys.executable))


def best(action, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def filled_store(pods: int) -> Store:
    store = Store()
    for index in range(pods):
        store.add(pod(f"ns-{index % 10}", f"pod-{index:05d}", labels={"app": f"a{index % 7}"},
                      ip=f"10.{index // 65536 + 100}.{index // 256 % 256}.{index % 256}"))
    return store


def exec_true(core) -> None:
    ws = stream(core.connect_get_namespaced_pod_exec, "pod-00000", "ns-0", command=["true"], stdin=False,
                stdout=True, stderr=True, tty=False, _preload_content=False)
    ws.run_forever(timeout=10)
    assert ws.returncode == 0


def measure(pods: int) -> str:
    store = filled_store(pods)
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        handle = start_server(store, LocalRuntime(), Path(directory))
        start = time.perf_counter() - started
        try:
            core = client.CoreV1Api(api_client(handle))
            raw = best(lambda: core.list_pod_for_all_namespaces(_preload_content=False).data)
            models = best(lambda: core.list_pod_for_all_namespaces())
            env = {"KUBECONFIG": str(handle.kubeconfig), "HOME": directory, "PATH": os.environ["PATH"]}
            kubectl = best(lambda: subprocess.run([KUBECTL, "get", "pods", "-A"], env=env, check=True,
                                                  stdout=subprocess.DEVNULL)) if KUBECTL else float("nan")
            execs = best(lambda: exec_true(core))
        finally:
            handle.stop()
    return (f"{pods:5d} pods: start {start:.3f} s, list raw {raw:.3f} s, list models {models:.3f} s, "
            f"kubectl get pods -A {kubectl:.3f} s, exec round trip {execs:.3f} s")


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]:
        print(measure(size), flush=True)
