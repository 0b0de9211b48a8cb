"""Shapes a real cluster can serve that the examples never had, each answered as the API means it.

The scenario (tests/faults/scenarios/odd-shapes, over examples/shop) holds what the simulator can load:
a Pending pod without an IP, a Terminating pod, `selector: {}` beside no selector, a headless and an
ExternalName Service, policies with policyTypes omitted. What its loader refuses (or a controller would
never write) is served by changing the stored object for one test: endpoint `conditions: {}` or null,
null `addresses`, a duplicate EndpointSlice, unnamed ports on a multi-port Service, a Node without
InternalIP. Every case: no traceback, an exit code the semantics call for, the verdict the API means.
"""
import copy
import json
from contextlib import contextmanager

import pytest

from tests.support import run_plugin

SCENARIO = ("examples/shop", "tests/faults/scenarios/odd-shapes")
pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)]


def run(capsys, sim, plugin: str, *args) -> tuple[int, dict | str]:
    """(exit code, the JSON report) of a live run; a run that failed returns its stderr instead."""
    code, out, err = run_plugin(capsys, plugin, *args, "-o", "json", "--kubeconfig", sim.kubeconfig)
    assert "Traceback" not in err and "internal error" not in err, err
    return code, json.loads(out) if out else err


@contextmanager
def served(sim, kind: str, namespace: str | None, name: str, change):
    """Serve the object as `change(obj)` leaves it, for the duration of the block."""
    original = sim.store.get(kind, namespace, name)
    changed = copy.deepcopy(original)
    change(changed)
    sim.store.update(changed)
    try:
        yield changed
    finally:
        sim.store.update(original)


def web_slice(sim) -> dict:
    return next(s for s in sim.store.list("EndpointSlice", "odd")
                if s["metadata"]["labels"].get("kubernetes.io/service-name") == "web")


def codes(report: dict) -> set[str]:
    return {f["code"] for f in report["findings"]}


def svcdebug(capsys, sim, service: str, *extra) -> tuple[int, dict]:
    return run(capsys, sim, "svcdebug", "-n", "odd", service, "--no-probe", *extra)


def netpath(capsys, sim, *args) -> tuple[int, dict]:
    return run(capsys, sim, "netpath", *args, "--no-probe")


def hop(report: dict, name: str) -> dict:
    return next(h for h in report["hops"] if h["name"] == name)


@pytest.mark.parametrize("conditions", [{}, None])
def test_endpoint_conditions_left_empty_mean_ready(capsys, sim_cluster, conditions):
    """EndpointConditions: a nil `ready` is to be read as ready."""
    def empty(slice_):
        for endpoint in slice_["endpoints"]:
            endpoint["conditions"] = conditions
    with served(sim_cluster, "EndpointSlice", "odd", web_slice(sim_cluster)["metadata"]["name"], empty):
        code, report = svcdebug(capsys, sim_cluster, "web")
        path_code, path = netpath(capsys, sim_cluster, "odd/client", "svc/web", "--port", "80")
    assert (code, report["endpoints"]) == (0, {"source": "EndpointSlice", "ready": 1, "total": 1})
    assert (path_code, path["verdict"]) == (0, "reachable")


def test_an_endpoint_without_addresses_is_no_endpoint(capsys, sim_cluster):
    def hollow(slice_):
        slice_["endpoints"] = [{"addresses": None, "conditions": {"ready": True}}] + slice_["endpoints"]
    with served(sim_cluster, "EndpointSlice", "odd", web_slice(sim_cluster)["metadata"]["name"], hollow):
        code, report = svcdebug(capsys, sim_cluster, "web")
    assert (code, report["endpoints"]["ready"], report["endpoints"]["total"]) == (0, 1, 1)


def test_only_endpoints_without_addresses_mean_no_endpoints(capsys, sim_cluster):
    def hollow(slice_):
        slice_["endpoints"] = [{"addresses": None, "conditions": {"ready": True}}]
    with served(sim_cluster, "EndpointSlice", "odd", web_slice(sim_cluster)["metadata"]["name"], hollow):
        code, report = svcdebug(capsys, sim_cluster, "web")
    assert code == 1 and "no-endpoints" in codes(report)


def test_duplicate_slices_count_each_endpoint_once(capsys, sim_cluster):
    """Two slices for one Service with the same endpoint (controller churn, mirroring): one endpoint."""
    twin = copy.deepcopy(web_slice(sim_cluster))
    twin["metadata"] = {**twin["metadata"], "name": twin["metadata"]["name"] + "-twin"}
    for field in ("uid", "resourceVersion", "creationTimestamp"):
        twin["metadata"].pop(field, None)
    sim_cluster.store.add(twin)
    try:
        code, report = svcdebug(capsys, sim_cluster, "web")
    finally:
        sim_cluster.store.delete("EndpointSlice", "odd", twin["metadata"]["name"])
    assert (code, report["endpoints"]["ready"], report["endpoints"]["total"]) == (0, 1, 1)


@pytest.mark.parametrize("families", [None, ["IPv4", "IPv6"]])
def test_slices_of_another_address_family_or_fqdn_are_not_more_endpoints(capsys, sim_cluster, families):
    """Dual-stack: the same pod in an IPv6 slice is one endpoint of each family, not a second pod; an FQDN
    slice carries no Service traffic."""
    added = []
    for name, family, address in (("web-v6", "IPv6", "fd00::5"), ("web-fqdn", "FQDN", "web.example.com")):
        other = copy.deepcopy(web_slice(sim_cluster))
        other["metadata"] = {"name": name, "namespace": "odd", "labels": other["metadata"]["labels"]}
        other["addressType"], other["endpoints"][0]["addresses"] = family, [address]
        added.append(sim_cluster.store.add(other)["metadata"]["name"])
    try:
        with served(sim_cluster, "Service", "odd", "web", lambda s: s["spec"].update(ipFamilies=families or ["IPv4"])):
            code, report = svcdebug(capsys, sim_cluster, "web")
    finally:
        for name in added:
            sim_cluster.store.delete("EndpointSlice", "odd", name)
    assert (code, report["endpoints"]["ready"], report["endpoints"]["total"]) == (0, 1, 1)


@pytest.mark.parametrize("service", ["empty-selector", "no-selector"])
def test_an_empty_selector_is_no_selector(capsys, sim_cluster, service):
    """The API stores `selector: {}` as no selector: no controller endpoints, it selects no pod."""
    code, report = svcdebug(capsys, sim_cluster, service)
    path_code, path = netpath(capsys, sim_cluster, "odd/client", f"svc/{service}")
    assert (code, codes(report)) == (1, {"selectorless-no-endpoints"})
    assert (path_code, path["verdict"]) == (1, "blocked at service")


def test_unnamed_ports_on_a_multi_port_service(capsys, sim_cluster):
    """The API refuses this shape; served anyway (an old or odd server, its slice unnamed too), each port
    is still told apart by number."""
    def unnamed(obj):
        for port in obj["spec"]["ports"] if obj["kind"] == "Service" else obj["ports"]:
            port.pop("name", None)
    with served(sim_cluster, "Service", "odd", "web", unnamed), \
            served(sim_cluster, "EndpointSlice", "odd", web_slice(sim_cluster)["metadata"]["name"], unnamed):
        code, report = svcdebug(capsys, sim_cluster, "web", "--port", "80")
        path_code, path = netpath(capsys, sim_cluster, "odd/client", "svc/web", "--port", "9090")
    assert (code, report["ports"], report["endpoints"]["ready"]) == (0, ["80/TCP"], 1)
    assert (path_code, path["verdict"]) == (0, "reachable")
    assert hop(path, "service")["facts"]["port"]["targetPorts"] == {"odd/web-0": 9090}


def test_a_pending_pod_without_an_ip(capsys, sim_cluster):
    code, report = svcdebug(capsys, sim_cluster, "pending")
    to_code, to_pod = netpath(capsys, sim_cluster, "odd/client", "odd/pending", "--port", "8080")
    from_code, from_pod = netpath(capsys, sim_cluster, "odd/pending", "svc/web", "--port", "80")
    assert (code, "no-endpoints" in codes(report)) == (1, True)
    assert (to_code, to_pod["verdict"], hop(to_pod, "destination")["code"]) == (1, "blocked at destination",
                                                                                  "destination-not-ready")
    assert (from_code, from_pod["verdict"], hop(from_pod, "source")["code"]) == (1, "blocked at source",
                                                                                  "source-not-running")


def test_a_terminating_pod(capsys, sim_cluster):
    """Its endpoint is not ready (the Service sends it nothing); directly it answers until it stops: unknown."""
    code, report = svcdebug(capsys, sim_cluster, "leaving")
    direct_code, direct = netpath(capsys, sim_cluster, "odd/client", "odd/leaving", "--port", "8080")
    assert code == 1 and [f["evidence"]["not ready"][0]["reason"] for f in report["findings"]
                          if f["code"] == "endpoints-not-ready"] == ["terminating"]
    destination = hop(direct, "destination")
    assert (direct_code, direct["verdict"], destination["code"]) == (1, "unknown", "destination-terminating")
    assert destination["facts"]["pods"][0]["terminating"]


def test_a_headless_service(capsys, sim_cluster):
    code, report = svcdebug(capsys, sim_cluster, "headless")
    path_code, path = netpath(capsys, sim_cluster, "odd/client", "svc/headless")
    assert (code, codes(report)) == (0, {"headless-service"})
    assert (path_code, path["verdict"], hop(path, "dns")["facts"]["kind"]) == (0, "reachable", "headless")


def test_an_external_name_service(capsys, sim_cluster):
    code, report = svcdebug(capsys, sim_cluster, "alias")
    path_code, path = netpath(capsys, sim_cluster, "odd/client", "alias", "--port", "443")
    assert code == 0 and "endpoints" not in report["summary"]
    assert (path_code, path["verdict"], hop(path, "destination")["facts"]) == (1, "unknown", {"outside": "api.example.com"})


@pytest.mark.parametrize("source, destination, port", [("odd/client", "walled/api", "8080"),
                                                       ("egress-only/other", "egress-only/db", "5432")])
def test_policy_types_omitted_default_to_ingress(capsys, sim_cluster, source, destination, port):
    """policyTypes omitted: Ingress, plus Egress when egress rules exist. A policy with only egress rules
    isolates its pods' ingress too; `podSelector: {}` selects every pod of the namespace."""
    files = ["-f", "examples/shop", "-f", "tests/faults/scenarios/odd-shapes"]
    offline = run_plugin(capsys, "netpolicy", "check", *files, source, destination, "--port", port)
    live_code, live = run(capsys, sim_cluster, "netpolicy", "check", source, destination, "--port", port)
    assert offline[0] == live_code == 1 and "DENIED" in offline[1]
    assert live["allowed"] is False


def test_a_node_without_internal_ip(capsys, sim_cluster):
    """Many clouds list only ExternalIP/Hostname: the node's facts say so, nothing crashes."""
    def external_only(node):
        node["status"]["addresses"] = [{"type": "Hostname", "address": "node-2"}]
    with served(sim_cluster, "Node", None, "node-2", external_only):
        code, report = svcdebug(capsys, sim_cluster, "web-np")
        path_code, path = netpath(capsys, sim_cluster, "odd/client", "svc/web-np", "--port", "80")
    facts = next(f for f in report["findings"] if f["code"] == "nodeport-facts")
    assert code == 0 and facts["evidence"]["node addresses"] == ["node-1 172.18.0.2", "node-2 <no InternalIP or ExternalIP>"]
    assert (path_code, path["verdict"]) == (0, "reachable")


@pytest.mark.parametrize("client, blocked", [("odd/client", False), ("odd/far-client", True)])
def test_internal_traffic_policy_local(capsys, sim_cluster, client, blocked):
    """internalTrafficPolicy Local: a client on a node without a ready endpoint has its ClusterIP connections
    dropped (the simulator does not play it: static answers only)."""
    path_code, path = netpath(capsys, sim_cluster, client, "svc/local-only")
    code, report = svcdebug(capsys, sim_cluster, "local-only", "--from", client)
    assert (path_code, path["verdict"]) == ((1, "blocked at service") if blocked else (0, "reachable"))
    assert (code, "itp-local-no-endpoint" in codes(report)) == (int(blocked), blocked)


def test_netpolicy_answers_say_which_pods_have_no_ip_yet(capsys, sim_cluster):
    """A Pending pod has no IP: matrix and who-can-reach still show what policy allows, and say so."""
    code, report = run(capsys, sim_cluster, "netpolicy", "matrix", "-n", "odd")
    assert code == 0
    assert any(note.startswith("1 pod(s) have no IP yet: odd/pending (Pending)") for note in report["notes"])
    code, report = run(capsys, sim_cluster, "netpolicy", "who-can-reach", "odd/pending")
    assert any("odd/pending (Pending)" in note for note in report["notes"])
