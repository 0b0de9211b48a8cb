"""A local Runtime fake and fixtures for the API server tests (commands run on this machine)."""
import asyncio
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.sim.apiserver import BinaryNotFound, ExecUnavailable, Store, start_server


class LocalRuntime:
    """Runs exec commands as local processes; containers named in `stopped` are not running."""

    def __init__(self, stopped=(), log_lines=None):
        self.stopped = set(stopped)
        self.log_lines = log_lines or {}
        self.added: list[tuple[str, str]] = []
        self.spawned: list[asyncio.subprocess.Process] = []

    async def spawn(self, pod: dict, container: str, argv: list[str]) -> asyncio.subprocess.Process:
        if container in self.stopped:
            raise ExecUnavailable(f'container "{container}" in pod "{pod["metadata"]["name"]}" is not running')
        if shutil.which(argv[0]) is None:
            raise BinaryNotFound.for_binary(argv[0])
        pipe = asyncio.subprocess.PIPE
        process = await asyncio.create_subprocess_exec(*argv, stdin=pipe, stdout=pipe, stderr=pipe)
        self.spawned.append(process)
        return process

    def logs(self, pod: dict, container: str) -> list[str]:
        return self.log_lines.get((pod["metadata"]["name"], container), [])

    def container_added(self, pod: dict, container: dict) -> None:
        self.added.append((pod["metadata"]["name"], container["name"]))


def pod(namespace: str, name: str, containers=("app",), labels=None, phase="Running", node="node-1",
        ip="10.244.1.5") -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
            "spec": {"nodeName": node, "containers": [
                {"name": c, "image": "nginx:1.27", "ports": [{"containerPort": 80}]} for c in containers]},
            "status": {"phase": phase, "podIP": ip, "containerStatuses": [
                {"name": c, "ready": phase == "Running", "restartCount": 0, "image": "nginx:1.27",
                 "state": {"running": {}}} for c in containers]}}


def sample_store() -> Store:
    store = Store()
    for namespace in ("default", "shop", "other"):
        store.add({"kind": "Namespace", "metadata": {"name": namespace}})
    web_1 = store.add(pod("shop", "web-1", labels={"app": "web", "tier": "front"}))
    store.add(pod("shop", "web-2", labels={"app": "web"}, ip="10.244.1.6"))
    store.add(pod("shop", "db-0", labels={"app": "db"}, phase="Pending", node="node-2", ip=None))
    store.add(pod("other", "multi", containers=("main", "sidecar"), ip="10.244.2.9"))
    store.add({"kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})
    store.add({"kind": "Service", "metadata": {"name": "edge", "namespace": "shop"},
               "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 443}]}})
    store.add({"kind": "Secret", "metadata": {"name": "tls", "namespace": "shop"}, "type": "kubernetes.io/tls",
               "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5"}})
    store.add({"kind": "Event", "metadata": {"name": "web-1.1", "namespace": "shop"},
               "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop",
                                  "uid": web_1["metadata"]["uid"]},
               "reason": "Started", "type": "Normal", "message": "Started container app"})
    for obj in network_objects():
        store.add(obj)
    return store


def network_objects() -> list[dict]:
    meta = {"namespace": "shop"}
    return [
        {"kind": "NetworkPolicy", "metadata": {"name": "web-in", **meta},
         "spec": {"podSelector": {"matchLabels": {"app": "web"},
                                  "matchExpressions": [{"key": "tier", "operator": "Exists"}]},
                  "ingress": [{"ports": [{"port": 8080}]}]}},
        {"kind": "Endpoints", "metadata": {"name": "web", **meta}, "subsets": [{
            "addresses": [{"ip": f"10.244.1.{i}"} for i in range(5, 10)], "ports": [{"port": 8080}]}]},
        {"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1", "addressType": "IPv4",
         "metadata": {"name": "web-abcde", "labels": {"kubernetes.io/service-name": "web"}, **meta},
         "endpoints": [{"addresses": ["10.244.1.5"]}, {"addresses": ["10.244.1.6"]}], "ports": [{"port": 8080}]},
        {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "shop", **meta},
         "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example"}]},
         "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.10"}]}}},
    ]


@pytest.fixture
def runtime():
    return LocalRuntime(stopped={"sidecar"}, log_lines={("web-1", "app"): [f"line {i}" for i in range(1, 6)]})


def api_client(handle, context: str = "sim"):
    from kubernetes import config
    return config.new_client_from_config(str(handle.kubeconfig), context=context)


@pytest.fixture
def workdir():
    """A directory removed right after the test (pytest's tmp_path keeps the last runs around)."""
    with tempfile.TemporaryDirectory(prefix="sim-apiserver-") as directory:
        yield Path(directory)


@pytest.fixture
def server(workdir: Path, runtime):
    handle = start_server(sample_store(), runtime, workdir / "apiserver")
    yield handle
    handle.stop()
