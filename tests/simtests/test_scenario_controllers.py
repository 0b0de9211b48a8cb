"""What the simulated control plane makes of a scenario: pods, IPs, status, endpoints, Events."""
import ipaddress
import os

import pytest

from tests.sim import controllers, scenario
from tests.simtests.simnet_support import REPO, SIM_SCENARIOS


def _reconciled(path):
    return controllers.reconcile(scenario.load(os.path.join(REPO, path)).objects)


@pytest.fixture(scope="module")
def shop():
    return _reconciled("examples/shop")


@pytest.fixture(scope="module")
def faults():
    return _reconciled(os.path.join(SIM_SCENARIOS, "faults"))


def _of(objects, kind, namespace=None):
    return [o for o in objects if o["kind"] == kind and namespace in (None, o["metadata"].get("namespace"))]


def _get(objects, kind, namespace, name):
    return next(o for o in _of(objects, kind, namespace) if o["metadata"]["name"] == name)


def test_deployment_makes_a_replicaset_and_its_replicas(shop):
    replica_set = next(r for r in _of(shop, "ReplicaSet", "shop") if r["metadata"]["name"].startswith("frontend-"))
    pods = [p for p in _of(shop, "Pod", "shop") if p["metadata"]["name"].startswith("frontend-")]
    assert len(pods) == 2
    pod_hash = replica_set["metadata"]["labels"]["pod-template-hash"]
    for pod in pods:
        assert pod["metadata"]["name"].startswith(f"frontend-{pod_hash}-") and len(pod["metadata"]["name"]) == len("frontend-") + 10 + 1 + 5
        assert pod["metadata"]["ownerReferences"][0]["uid"] == replica_set["metadata"]["uid"]
    assert _get(shop, "Deployment", "shop", "frontend")["status"]["readyReplicas"] == 2


def test_statefulset_pods_have_ordinal_names_and_dns_hostnames(shop):
    db = _get(shop, "Pod", "shop", "db-0")
    assert db["spec"]["hostname"] == "db-0" and db["spec"]["subdomain"] == "db"


def test_pods_spread_over_nodes_with_unique_ips_from_the_node_cidr(shop):
    nodes = {n["metadata"]["name"]: ipaddress.ip_network(n["spec"]["podCIDR"]) for n in _of(shop, "Node")}
    ips = [p["status"]["podIP"] for p in _of(shop, "Pod")]
    assert len(set(ips)) == len(ips)
    for pod in _of(shop, "Pod"):
        assert ipaddress.ip_address(pod["status"]["podIP"]) in nodes[pod["spec"]["nodeName"]]
    assert {p["spec"]["nodeName"] for p in _of(shop, "Pod")} == set(nodes)


def test_services_get_cluster_ips_and_the_kubernetes_service_exists(shop):
    services = {s["metadata"]["name"]: s["spec"]["clusterIP"] for s in _of(shop, "Service")}
    assert services["kube-dns"] == "10.96.0.10" and services["kubernetes"] == "10.96.0.1" and services["db"] == "None"
    assert ipaddress.ip_address(services["backend"]) in ipaddress.ip_network("10.96.0.0/16")
    assert len(set(services.values())) == len(services)


def test_endpoint_slices_resolve_named_ports_and_reference_pods(shop):
    slices = [s for s in _of(shop, "EndpointSlice", "shop") if s["metadata"]["labels"]["kubernetes.io/service-name"] == "backend"]
    assert len(slices) == 1 and slices[0]["addressType"] == "IPv4"
    assert slices[0]["ports"] == [{"name": "api", "port": 8080, "protocol": "TCP"}]
    uids = {p["metadata"]["uid"]: p for p in _of(shop, "Pod", "shop")}
    for endpoint in slices[0]["endpoints"]:
        pod = uids[endpoint["targetRef"]["uid"]]
        assert endpoint["addresses"] == [pod["status"]["podIP"]] and endpoint["nodeName"] == pod["spec"]["nodeName"]
        assert endpoint["conditions"] == {"ready": True, "serving": True, "terminating": False}


def test_not_ready_pod_status_endpoints_and_event(faults):
    pod = _get(faults, "Pod", "lab", "notready")
    ready = next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False" and ready["reason"] == "ContainersNotReady"
    assert pod["status"]["containerStatuses"][0]["state"].keys() == {"running"}
    slice_ = next(s for s in _of(faults, "EndpointSlice", "lab") if s["metadata"]["name"].startswith("notready-"))
    assert slice_["endpoints"][0]["conditions"] == {"ready": False, "serving": False, "terminating": False}
    endpoints = _get(faults, "Endpoints", "lab", "notready")
    assert [a["ip"] for a in endpoints["subsets"][0]["notReadyAddresses"]] == [pod["status"]["podIP"]]
    events = [e for e in _of(faults, "Event", "lab") if e["involvedObject"]["name"] == "notready"]
    assert [e["reason"] for e in events] == ["Unhealthy"] and events[0]["message"].startswith("Readiness probe failed")


def test_crashloop_status_and_backoff_event(faults):
    pod = _get(faults, "Pod", "lab", "crash")
    status = pod["status"]["containerStatuses"][0]
    assert status["state"]["waiting"]["reason"] == "CrashLoopBackOff" and status["restartCount"] > 0
    assert status["lastState"]["terminated"]["exitCode"] == 1 and pod["status"]["phase"] == "Running"
    assert any(e["reason"] == "BackOff" and e["involvedObject"]["name"] == "crash" for e in _of(faults, "Event"))


def test_readiness_probe_on_a_silent_port_makes_the_pod_unready():
    objects = _reconciled("examples/broken-service")
    worker = next(p for p in _of(objects, "Pod", "web") if p["metadata"]["name"].startswith("worker-"))
    assert not worker["status"]["containerStatuses"][0]["ready"]
    event = next(e for e in _of(objects, "Event", "web") if e["involvedObject"]["name"] == worker["metadata"]["name"])
    assert f'dial tcp {worker["status"]["podIP"]}:9000: connect: connection refused' in event["message"]


@pytest.mark.parametrize("state, phase, reason", [("imagepull", "Pending", "ImagePullBackOff"),
                                                  ("unschedulable", "Pending", None)])
def test_pending_pods(state, phase, reason):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"sim.netdebug.io/state": state}},
           "spec": {"containers": [{"name": "c", "image": "ghcr.io/x/y:1"}]}}
    result = _get(controllers.reconcile([pod]), "Pod", "default", "p")
    assert result["status"]["phase"] == phase
    if reason:
        assert result["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == reason
        assert result["status"]["podIP"]
    else:
        assert "podIP" not in result["status"] and "nodeName" not in result["spec"]


def test_terminating_pod_is_a_terminating_endpoint_and_left_out_of_endpoints():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "a"},
                                                           "annotations": {"sim.netdebug.io/state": "terminating"}},
           "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]}}
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"},
               "spec": {"selector": {"app": "a"}, "ports": [{"port": 80}]}}
    objects = controllers.reconcile([pod, service])
    assert _get(objects, "Pod", "default", "p")["metadata"]["deletionTimestamp"]
    slice_ = next(s for s in _of(objects, "EndpointSlice") if s["metadata"]["name"].startswith("a-"))
    assert slice_["endpoints"][0]["conditions"] == {"ready": False, "serving": True, "terminating": True}
    assert _get(objects, "Endpoints", "default", "a")["subsets"] == []


def test_load_balancer_node_ports_and_ingress_status():
    objects = _reconciled("examples/external-access")
    site_lb = _get(objects, "Service", "store", "site-lb")
    assert site_lb["status"]["loadBalancer"]["ingress"][0]["ip"] == "203.0.113.20"
    assert 30000 <= site_lb["spec"]["ports"][0]["nodePort"] < 32768
    assert "loadBalancer" not in (_get(objects, "Service", "store", "admin-lb").get("status") or {})
    assert _get(objects, "Service", "store", "site-nodeport")["spec"]["ports"][0]["nodePort"] == 30080
    assert _get(objects, "Ingress", "store", "site")["status"]["loadBalancer"]["ingress"] == [{"ip": "203.0.113.10"}]


def test_selector_typo_gives_an_empty_slice_and_wrong_target_port_is_kept():
    objects = _reconciled("examples/broken-service")
    frontend = next(s for s in _of(objects, "EndpointSlice", "web") if s["metadata"]["name"].startswith("frontend-"))
    assert frontend["endpoints"] == []
    api = next(s for s in _of(objects, "EndpointSlice", "web") if s["metadata"]["name"].startswith("api-"))
    assert api["ports"][0]["port"] == 8081 and len(api["endpoints"]) == 1


def test_reconcile_is_deterministic():
    first = [(o["kind"], o["metadata"]["name"], o["metadata"]["uid"]) for o in _reconciled("examples/shop")]
    second = [(o["kind"], o["metadata"]["name"], o["metadata"]["uid"]) for o in _reconciled("examples/shop")]
    assert first == second


def test_statefulset_endpoints_carry_the_pod_hostname(shop):
    slice_ = next(s for s in _of(shop, "EndpointSlice", "shop") if s["metadata"]["name"].startswith("db-"))
    assert slice_["endpoints"][0]["hostname"] == "db-0"
