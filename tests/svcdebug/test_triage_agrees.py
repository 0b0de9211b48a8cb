"""Invariant: the triage row of a Service (`kubectl svcdebug -A`) carries the same findings, code and severity,
as `kubectl svcdebug SVC` for that Service (both --no-probe), on every Service of every scenario.

Offline (-f) on every scenario directory; live against the simulator's API server (the real client over
HTTPS, no data plane: --no-probe sends no packets) on the scenarios with meshes, Ingresses, policies and odd
shapes, also with the mesh policies forbidden. Live, triage lists each kind once per namespace (once in all
with -A), never once per Service.
"""
import json
from collections import Counter
from pathlib import Path

import pytest

from .conftest import svcdebug

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_ROOTS = ("tests/scenarios", "examples", "tests/faults/scenarios")
LIVE_SCENARIOS = ("examples/shop", "examples/broken-service", "examples/external-access", "examples/policy-blocking",
                  "tests/scenarios/netpath/mesh-authz-live",
                  "tests/scenarios/svcdebug/mesh", "tests/scenarios/svcdebug/ingress",
                  "tests/scenarios/netpath/outside", "tests/faults/scenarios/odd-shapes")
MESH_POLICIES_FORBIDDEN = [{"user": "*", "verb": "list", "resource": resource, "action": "forbid"}
                           for resource in ("authorizationpolicies", "peerauthentications", "servers")]
# Differences that are intended, with the reason; none so far: triage reads what svcdebug SVC reads.
ALLOWED_DIFFERENCES: dict[str, str] = {}


def scenario_dirs() -> list[str]:
    """Every directory holding a scenario's YAML (the leaves: a parent directory would merge several)."""
    found = {p.parent for root in SCENARIO_ROOTS for p in (ROOT / root).rglob("*.yaml")}
    return sorted(str(d.relative_to(ROOT)) for d in found)


def findings(report: dict) -> Counter:
    return Counter((f["code"], f["severity"]) for f in report["findings"] if f["code"] not in ALLOWED_DIFFERENCES)


def disagreements(source: list[str], per_namespace: bool = False) -> list[tuple]:
    """(Service, only in triage, only in svcdebug SVC) for every Service where the two answers differ;
    the triage of -A, or (`per_namespace`) of -n NS for each namespace holding Services."""
    _, out = svcdebug("-A", "--no-probe", "-o", "json", *source)
    triage = json.loads(out)
    assert triage, "no Service in the scenario"
    if per_namespace:
        namespaces = sorted({row["service"].split("/", 1)[0] for row in triage})
        triage = [row for ns in namespaces for row in json.loads(svcdebug("-n", ns, "--no-probe", "-o", "json", *source)[1])]
    differ = []
    for row in triage:
        namespace, name = row["service"].split("/", 1)
        _, single = svcdebug(name, "-n", namespace, "--no-probe", "-o", "json", *source)
        alone = json.loads(single)
        if findings(row) != findings(alone):
            differ.append((row["service"], dict(findings(row) - findings(alone)), dict(findings(alone) - findings(row))))
    return differ


@pytest.mark.parametrize("scenario", scenario_dirs())
def test_offline_triage_row_equals_svcdebug_svc(scenario):
    assert disagreements(["-f", str(ROOT / scenario)]) == []


def test_the_invariant_sees_the_mesh_findings():
    """The scenarios exercise what triage used to miss: the ingress controllers denied by mesh authorization."""
    _, out = svcdebug("-A", "--no-probe", "-o", "json", "-f", str(ROOT / "tests/scenarios/netpath/mesh-authz"))
    codes = {f["code"] for row in json.loads(out) for f in row["findings"]}
    assert "mesh-authz-denied" in codes, codes


@pytest.fixture
def api_server(tmp_path):
    """The scenario served by the simulator's API server alone (objects and status; no pods run)."""
    from tests.sim import controllers, scenario
    from tests.sim.apiserver import Store, start_server
    from tests.sim.cluster import served_kinds
    from tests.simtests.apiserver_support import LocalRuntime

    handles = []

    def serve(path: str, faults: list[dict] = ()):
        store = Store()
        for obj in controllers.reconcile(scenario.load(str(ROOT / path), served_kinds()).objects):
            store.add(obj)
        handles.append(start_server(store, LocalRuntime(), tmp_path / f"server{len(handles)}", faults=list(faults)))
        return handles[-1]

    yield serve
    for handle in handles:
        handle.stop()


@pytest.mark.parametrize("per_namespace", [False, True], ids=["all-namespaces", "each-namespace"])
@pytest.mark.parametrize("scenario", LIVE_SCENARIOS)
def test_live_triage_row_equals_svcdebug_svc(api_server, scenario, per_namespace):
    server = api_server(scenario)
    assert disagreements(["--kubeconfig", str(server.kubeconfig)], per_namespace) == []


@pytest.mark.parametrize("scenario", ["tests/scenarios/netpath/mesh-authz-live", "tests/scenarios/svcdebug/mesh"])
def test_live_agree_when_mesh_policies_are_forbidden(api_server, scenario):
    server = api_server(scenario, MESH_POLICIES_FORBIDDEN)
    assert disagreements(["--kubeconfig", str(server.kubeconfig)]) == []


@pytest.mark.parametrize("scope", [["-A"], ["-n", "shop"]])
def test_live_triage_lists_each_kind_once_per_namespace(api_server, scope):
    server = api_server("tests/scenarios/netpath/mesh-authz-live")
    server.take_requests()
    svcdebug(*scope, "--no-probe", "-o", "json", "--kubeconfig", str(server.kubeconfig))
    lists = Counter((resource, namespace) for _, verb, resource, namespace in server.take_requests() if verb == "list")
    assert {"authorizationpolicies", "peerauthentications"} <= {resource for resource, _ in lists}, lists
    assert max(lists.values()) == 1, lists


@pytest.mark.parametrize("scenario", ["tests/scenarios/svcdebug/composite/dns-blocked", "examples/shop"])
def test_probe_clients_dns_check_sees_what_svcdebug_svc_sees(api_server, scenario):
    """With probes, the first probe client's DNS policy check (cli/svc_probes.py) runs on triage's snapshot
    (-n NS) and on svcdebug SVC's: it reads the cluster DNS's pods and policies in kube-system either way."""
    from netdebug.cli.options import ClusterOptions
    from netdebug.cli.svc_fetch import fetch_service_snapshot
    from netdebug.cli.svc_triage import _live_snapshot
    from netdebug.diagnose.service_ports import select_ports
    from netdebug.diagnose.svc_dns import dns_policy_findings
    from netdebug.diagnose.svc_probe_plan import choose_client_pods
    from netdebug.diagnose.svcdebug import ServiceFacts
    from netdebug.kube.client import connect
    from netdebug.model import objects

    cluster = connect(ClusterOptions(kubeconfig=str(api_server(scenario).kubeconfig)))
    namespaces = sorted({objects.namespace(s) for s in cluster.list("Service")} - {"kube-system"})
    blocked = 0
    for namespace in namespaces:
        triage_snapshot, services = _live_snapshot(cluster, [namespace], None, dns=True)
        for service in services:
            alone = fetch_service_snapshot(cluster, namespace, objects.name(service), dns=True)
            answers = []
            for snapshot in (triage_snapshot, alone):
                facts = ServiceFacts.gather(snapshot, snapshot.get("Service", namespace, objects.name(service)),
                                            select_ports(service, None))
                chosen = choose_client_pods(snapshot.in_namespace("Pod", namespace), facts.backends, None)
                found = dns_policy_findings(facts, chosen[0][0], confirmed_later=True) if chosen else []
                answers.append([(f.code, f.severity, f.subject) for f in found])
            assert answers[0] == answers[1], (objects.ref(service), answers)
            blocked += bool(answers[0])
    assert blocked or scenario == "examples/shop", "the scenario should show a probe client denied DNS"


def cluster_wide_list_forbidden(resource: str) -> list[dict]:
    """RBAC with a Role per namespace: listing `resource` across namespaces is forbidden, in one is allowed."""
    return [{"user": "*", "verb": "list", "resource": resource, "namespace": "", "action": "forbid"}]


@pytest.mark.parametrize("scenario,resource", [
    ("examples/shop", "networkpolicies"), ("examples/broken-service", "pods"), ("examples/external-access", "ingresses"),
    ("tests/faults/scenarios/odd-shapes", "endpointslices"), ("tests/scenarios/netpath/outside", "peerauthentications"),
    ("tests/scenarios/svcdebug/types", "statefulsets"), ("tests/scenarios/svcdebug/not-ready", "pods"),
    ("tests/scenarios/netpath/mesh-authz-live", "authorizationpolicies")])
def test_live_all_namespaces_agree_with_a_role_per_namespace(api_server, scenario, resource):
    """-A lists each kind across namespaces; where RBAC forbids that, triage lists it again in each namespace
    holding Services (as kube/fetch does), so a row still says what svcdebug SVC says from its namespace."""
    server = api_server(scenario, cluster_wide_list_forbidden(resource))
    assert disagreements(["--kubeconfig", str(server.kubeconfig)]) == []


def test_documented_difference_triage_may_see_the_ingress_controllers_svcdebug_svc_cannot(api_server):
    """With pods listable per namespace only, svcdebug SVC cannot search the cluster for ingress controllers
    (and says so in its notes); triage -A read the controllers' namespace for its own Services, so it judges
    their mutual TLS. The one allowed difference: triage knows more, and svcdebug SVC names what it missed."""
    server = api_server("tests/scenarios/netpath/outside", cluster_wide_list_forbidden("pods"))
    found = disagreements(["--kubeconfig", str(server.kubeconfig)])
    assert found == [("secure/vault", {("mesh-mtls-required", "error"): 1}, {})]
    _, out = svcdebug("vault", "-n", "secure", "--no-probe", "-o", "json", "--kubeconfig", str(server.kubeconfig))
    assert any("could not list pods" in note for note in json.loads(out)["notes"])


@pytest.mark.sim
@pytest.mark.parametrize("paths,namespace", [
    (["tests/scenarios/svcdebug/composite/dns-blocked", "tests/simtests/scenarios/enforce"], "shop"),
    (["examples/broken-service"], "web"), (["examples/policy-blocking"], "payments")])
def test_probed_triage_row_equals_svcdebug_svc(paths, namespace):
    """With probes, on the simulated cluster (packets in network namespaces): each row of -n NS has the
    findings svcdebug SVC has (dns-blocked: policy-blocks-dns, once reported by triage as dns-down)."""
    from tests.conftest import sim_unavailable, unique_run_name
    from tests.sim.cluster import SimCluster

    reason = sim_unavailable()
    if reason:
        pytest.skip(reason)
    sim = SimCluster.start([str(ROOT / p) for p in paths], unique_run_name())
    try:
        source = ["--timeout", "1", "--kubeconfig", str(sim.kubeconfig)]
        _, out = svcdebug("-n", namespace, "-o", "json", *source)
        for row in json.loads(out):
            _, single = svcdebug(row["service"].split("/")[1], "-n", namespace, "-o", "json", *source)
            assert findings(row) == findings(json.loads(single)), row["service"]
    finally:
        sim.stop()
