"""Waiting for an ephemeral container, through the fake API server (no data plane needed)."""
import pytest

from netdebug.cli.options import ClusterOptions
from netdebug.errors import ClusterError
from netdebug.kube.client import connect
from netdebug.kube.ephemeral import wait_running
from tests.sim.apiserver import Store, start_server


class NoRuntime:
    async def spawn(self, pod, container, argv):
        raise RuntimeError("nothing runs here")

    def logs(self, pod, container):
        return []

    def container_added(self, pod, container):
        return None


def debug_pod(name: str, state: dict) -> dict:
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "lab"},
            "spec": {"containers": [{"name": "app", "image": "app:1"}],
                     "ephemeralContainers": [{"name": "netdebug-1", "image": "busybox"}]},
            "status": {"phase": "Running",
                       "ephemeralContainerStatuses": [{"name": "netdebug-1", "state": state}]}}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    store = Store()
    store.add(debug_pod("pulling", {"waiting": {"reason": "ErrImagePull"}}))
    store.add(debug_pod("creating", {"waiting": {"reason": "ContainerCreating"}}))
    store.add(debug_pod("running", {"running": {"startedAt": "2026-01-01T00:00:00Z"}}))
    server = start_server(store, NoRuntime(), tmp_path_factory.mktemp("apiserver"))
    yield connect(ClusterOptions(kubeconfig=str(server.kubeconfig)))
    server.stop()


def test_wait_running(cluster):
    wait_running(cluster, "lab", "running", "netdebug-1", timeout=1)
    with pytest.raises(ClusterError, match=r"ephemeral container netdebug-1 in lab/pulling did not start: ErrImagePull"):
        wait_running(cluster, "lab", "pulling", "netdebug-1", timeout=5)
    with pytest.raises(ClusterError, match=r"was not running after 0.5s \(ContainerCreating\)"):
        wait_running(cluster, "lab", "creating", "netdebug-1", timeout=0.5)
