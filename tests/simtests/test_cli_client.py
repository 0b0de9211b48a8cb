"""The official `kubernetes` Python client against the simulated shop: lists, exec with exit codes,
and probes that connect, are refused, time out, resolve DNS and hit a ClusterIP."""
import os

import pytest

from tests.simtests.simnet_support import SIM_SCENARIOS, pod_ip, pod_ref

pytestmark = pytest.mark.sim
FAULTS = os.path.join(SIM_SCENARIOS, "faults")


@pytest.fixture(scope="module")
def api(sim_cluster):
    from kubernetes import config
    return config.new_client_from_config(config_file=sim_cluster.kubeconfig, context="sim")


def run(api, namespace, pod, argv, container=None):
    """(stdout, stderr, returncode) the way netdebug execs: stream() without preloading."""
    from kubernetes import client
    from kubernetes.stream import stream
    kwargs = {"container": container} if container else {}
    response = stream(client.CoreV1Api(api).connect_get_namespaced_pod_exec, pod, namespace, command=argv,
                      stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False, **kwargs)
    response.run_forever(timeout=15)
    return response.read_stdout(), response.read_stderr(), response.returncode


def test_lists_are_what_the_scenario_declares(api, sim_cluster):
    from kubernetes import client
    pods = client.CoreV1Api(api).list_pod_for_all_namespaces().items
    assert sorted(f"{p.metadata.namespace}/{p.metadata.name}" for p in pods) == sorted(sim_cluster.plane.pods)
    slices = client.DiscoveryV1Api(api).list_namespaced_endpoint_slice("shop", label_selector="kubernetes.io/service-name=backend")
    assert len(slices.items) == 1 and slices.items[0].address_type == "IPv4"
    addresses = sorted(e.addresses[0] for e in slices.items[0].endpoints)
    assert addresses == sorted(pod_ip(sim_cluster, r) for r in sim_cluster.plane.pods if r.startswith("shop/backend"))
    policies = client.NetworkingV1Api(api).list_namespaced_network_policy("shop").items
    assert len(policies) == 5


def test_exec_exit_codes(api):
    assert run(api, "shop", "db-0", ["sh", "-c", "echo hi; exit 0"]) == ("hi\n", "", 0)
    assert run(api, "shop", "db-0", ["sh", "-c", "echo oops >&2; exit 7"]) == ("", "oops\n", 7)


def test_probe_outcomes(api, sim_cluster):
    frontend = pod_ref(sim_cluster, "shop", "frontend").split("/")[1]
    backend_ip = pod_ip(sim_cluster, pod_ref(sim_cluster, "shop", "backend"))
    out, err, code = run(api, "shop", frontend, ["nc", "-z", "-v", "-w", "2", backend_ip, "8080"])
    assert code == 0 and "succeeded" in err
    out, err, code = run(api, "shop", frontend, ["nc", "-z", "-v", "-w", "2", backend_ip, "8081"])
    assert code == 1 and "refused" in err
    out, err, code = run(api, "shop", frontend, ["nc", "-z", "-v", "-w", "1", "192.0.2.10", "80"])
    assert code == 1 and "timed out" in err
    out, _, code = run(api, "shop", frontend, ["getent", "hosts", "backend.shop.svc.cluster.local"])
    cluster_ip = sim_cluster.store.get("Service", "shop", "backend")["spec"]["clusterIP"]
    assert code == 0 and out.split()[0] == cluster_ip
    out, _, code = run(api, "shop", frontend, ["curl", "-s", "-m", "2", f"http://{cluster_ip}:8080/"])
    assert code == 0 and out.startswith("shop/backend-")


@pytest.mark.parametrize("sim_cluster", [FAULTS], indirect=True)
def test_drop_times_out_through_the_client(api, sim_cluster):
    out, err, code = run(api, "lab", "client", ["nc", "-z", "-v", "-w", "1", pod_ip(sim_cluster, "lab/guarded"), "8080"])
    assert code == 1 and "timed out" in err


@pytest.mark.parametrize("sim_cluster", [FAULTS], indirect=True)
def test_logs_and_events(api, sim_cluster):
    from kubernetes import client
    core = client.CoreV1Api(api)
    # (the client turns a log body into "b'...'" unless it is read raw, against any API server)
    response = core.read_namespaced_pod_log("server", "lab", container="web", _preload_content=False)
    assert response.data.decode() == "line one\nline two\n"
    reasons = {(e.involved_object.name, e.reason) for e in core.list_namespaced_event("lab").items}
    assert {("crash", "BackOff"), ("notready", "Unhealthy")} <= reasons
