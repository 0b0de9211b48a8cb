"""End-to-end tests on a real cluster (kind, minikube, a cloud cluster) named by a kubeconfig.

Active when NETDEBUG_E2E_KUBECONFIG is set, or KUBECONFIG together with NETDEBUG_E2E=1; otherwise
every test here is skipped. The scenario fixtures apply examples/shop and examples/broken-service
with kubectl, wait (bounded) until their pods are Ready and delete the namespaces they created at the
end. NETDEBUG_E2E_PREAPPLIED=1: the scenarios are already there; nothing is applied or deleted.

What a real cluster gets from an example: only its own namespaces and the objects in them (no Nodes,
nothing in kube-system, no simulator settings), and every container runs agnhost `porter`, serving
the ports the container declares (or those of its `sim.netdebug.io/listen` annotation), because the
examples name images that do not exist or need configuration. That is what the simulator's listeners
do, so the same questions get the same answers.
"""
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = str(Path(sys.executable).parent / "kubectl")  # the venv's kubectl, not a system dispatcher
NO_CLUSTER = "no real cluster: set NETDEBUG_E2E=1 and KUBECONFIG (e.g. a kind cluster)"
IMAGE = os.environ.get("NETDEBUG_E2E_IMAGE", "registry.k8s.io/e2e-test-images/agnhost:2.53")
READY_SECONDS = float(os.environ.get("NETDEBUG_E2E_READY_TIMEOUT", "240"))
SYSTEM_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Pod"}
NEVER_READY = {"web/worker"}  # examples/broken-service: its readiness probe fails on purpose
LISTEN = "sim.netdebug.io/listen"


def e2e_kubeconfig() -> str | None:
    if os.environ.get("NETDEBUG_E2E_KUBECONFIG"):
        return os.environ["NETDEBUG_E2E_KUBECONFIG"]
    if os.environ.get("NETDEBUG_E2E") == "1":
        return os.environ.get("KUBECONFIG") or None
    return None


@dataclass
class Cluster:
    kubeconfig: str

    def env(self) -> dict:
        return {**os.environ, "KUBECONFIG": self.kubeconfig, "NO_COLOR": "1"}

    def kubectl(self, *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([KUBECTL, *args], input=stdin, capture_output=True, text=True,
                              env=self.env(), timeout=timeout)

    def plugin(self, name: str, *args: str) -> subprocess.CompletedProcess:
        """`kubectl-NAME ARGS` from this checkout, as a user runs it (exit code, stdout, stderr)."""
        return subprocess.run([sys.executable, str(ROOT / f"kubectl-{name}"), *args], capture_output=True,
                              text=True, env=self.env(), timeout=180)

    def report(self, name: str, *args: str) -> tuple[int, dict]:
        """(exit code, parsed JSON) of `kubectl-NAME ARGS -o json`."""
        done = self.plugin(name, *args, "-o", "json")
        assert done.stdout, f"kubectl-{name} {' '.join(args)}: exit {done.returncode}, no output: {done.stderr}"
        return done.returncode, json.loads(done.stdout)

    def namespace_exists(self, name: str) -> bool:
        """Strict: a failing kubectl stops the run (a namespace we cannot see must never be taken for ours)."""
        done = self.kubectl("get", "namespace", name, "--ignore-not-found", "-o", "name")
        if done.returncode:
            pytest.fail(f"kubectl get namespace {name} failed: {done.stderr.strip()}")
        return bool(done.stdout.strip())


@pytest.fixture(scope="session")
def e2e_cluster() -> Cluster:
    kubeconfig = e2e_kubeconfig()
    if not kubeconfig:
        pytest.skip(NO_CLUSTER)
    if not any(os.path.exists(path) for path in kubeconfig.split(os.pathsep)):
        pytest.fail(f"kubeconfig {kubeconfig} not found")
    return Cluster(kubeconfig)


def scenario_objects(scenario: str) -> list[dict]:
    """The scenario's objects a real cluster may get: its namespaces and what lives in them, runnable."""
    docs = []
    for path in sorted((ROOT / scenario).glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return [runnable(doc) for doc in docs if namespace_of(doc) not in SYSTEM_NAMESPACES | {None}]


def namespace_of(doc: dict) -> str | None:
    meta = doc.get("metadata", {})
    return meta.get("name") if doc["kind"] == "Namespace" else meta.get("namespace")


def runnable(doc: dict) -> dict:
    pod = doc if doc["kind"] == "Pod" else doc.get("spec", {}).get("template")
    if doc["kind"] in WORKLOADS and pod:
        annotations = pod.get("metadata", {}).get("annotations", {})
        for container in pod["spec"]["containers"]:
            serve_declared_ports(container, annotations, f"{namespace_of(doc)}/{doc['metadata']['name']}")
    return doc


def serve_declared_ports(container: dict, annotations: dict, owner: str) -> None:
    ports = listening_ports(container, annotations)
    container.pop("command", None)
    container.update(image=IMAGE, args=["porter"], env=[
        {"name": f"SERVE_{'UDP_' if protocol == 'UDP' else ''}PORT_{port}",
         "value": f"{owner} {container['name']} {port}/{protocol}"} for port, protocol in ports])


def listening_ports(container: dict, annotations: dict) -> list[tuple[int, str]]:
    spec = annotations.get(f"{LISTEN}.{container['name']}", annotations.get(LISTEN))
    if spec is None:
        return [(p["containerPort"], p.get("protocol", "TCP")) for p in container.get("ports", [])]
    if spec.strip() == "none":
        return []
    pairs = [item.strip().partition("/") for item in spec.split(",")]
    return [(int(port), protocol or "TCP") for port, _, protocol in pairs]  # a 127.0.0.1: form is not served


def namespaces(objects: list[dict]) -> list[str]:
    return sorted({namespace_of(doc) for doc in objects})


def wait_ready(cluster: Cluster, objects: list[dict], deadline: float) -> None:
    for doc in objects:
        if doc["kind"] in WORKLOADS:
            never_ready = f"{namespace_of(doc)}/{doc['metadata']['name']}" in NEVER_READY
            wait_pods(cluster, doc, "jsonpath={.status.phase}=Running" if never_ready else "condition=Ready", deadline)


def wait_pods(cluster: Cluster, doc: dict, condition: str, deadline: float) -> None:
    """Until the workload has its replicas and `kubectl wait --for=CONDITION` holds for them, or fail at the deadline."""
    namespace, spec = namespace_of(doc), doc.get("spec", {})
    what = f"{doc['kind']} {namespace}/{doc['metadata']['name']}"
    if doc["kind"] == "Pod":
        selector, wanted = [f"pod/{doc['metadata']['name']}"], 1
    else:
        labels = spec["selector"]["matchLabels"]
        selector, wanted = ["pod", "-l", ",".join(f"{k}={v}" for k, v in labels.items())], spec.get("replicas", 1)
    while len(cluster.kubectl("get", *selector, "-n", namespace, "-o", "name").stdout.split()) < wanted:
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: fewer than {wanted} pods after {READY_SECONDS:.0f} s\n{pods_table(cluster, namespace)}")
        time.sleep(1)
    remaining = max(1, int(deadline - time.monotonic()))
    waited = cluster.kubectl("wait", f"--for={condition}", *selector, "-n", namespace, f"--timeout={remaining}s",
                             timeout=remaining + 30)
    if waited.returncode:
        pytest.fail(f"{what}: not {condition}: {waited.stderr.strip()}\n{pods_table(cluster, namespace)}")


def pods_table(cluster: Cluster, namespace: str) -> str:
    return cluster.kubectl("get", "pods", "-n", namespace, "-o", "wide").stdout


def deployed(cluster: Cluster, scenario: str):
    """Apply SCENARIO, wait for it, yield, delete the namespaces it created (unless pre-applied)."""
    objects = scenario_objects(scenario)
    owned = namespaces(objects)
    if os.environ.get("NETDEBUG_E2E_PREAPPLIED") == "1":
        missing = [ns for ns in owned if not cluster.namespace_exists(ns)]
        if missing:
            pytest.skip(f"NETDEBUG_E2E_PREAPPLIED=1 but namespace(s) {', '.join(missing)} of {scenario} not found")
        wait_ready(cluster, objects, time.monotonic() + READY_SECONDS)
        yield objects
        return
    taken = [ns for ns in owned if cluster.namespace_exists(ns)]
    if taken:
        pytest.fail(f"namespace(s) {', '.join(taken)} already exist: delete them, or set NETDEBUG_E2E_PREAPPLIED=1")
    try:
        applied = cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump_all(objects))
        assert applied.returncode == 0, f"kubectl apply of {scenario} failed: {applied.stderr}"
        wait_ready(cluster, objects, time.monotonic() + READY_SECONDS)
        yield objects
    finally:
        cluster.kubectl("delete", "namespace", *owned, "--ignore-not-found", "--wait=true", "--timeout=180s",
                        timeout=240)


@pytest.fixture(scope="session")
def shop(e2e_cluster):
    yield from deployed(e2e_cluster, "examples/shop")


@pytest.fixture(scope="session")
def broken_service(e2e_cluster):
    yield from deployed(e2e_cluster, "examples/broken-service")
