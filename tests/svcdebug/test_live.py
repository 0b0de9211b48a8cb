"""svcdebug against the simulated cluster: real API calls, real probes between network namespaces.

One cluster per scenario (module-scoped fixture); each test asserts a finding and its evidence.
"""
import json

import pytest

from tests.support import both_shapes

from .conftest import codes, finding, svcdebug

pytestmark = pytest.mark.sim
SCENARIOS = "tests/scenarios/svcdebug"


def live(sim, *args: str) -> tuple[int, dict]:
    code, out = svcdebug(*args, "--kubeconfig", sim.kubeconfig, "--timeout", "1", "-o", "json")
    return code, json.loads(out)


def probes(report: dict, kind: str, **match) -> list[dict]:
    return [p for p in report["probes"] if p["kind"] == kind and all(p.get(k) == v for k, v in match.items())]


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/healthy"], indirect=True)
class TestHealthy:
    def test_no_error_and_every_probe_succeeds(self, sim_cluster):
        code, report = live(sim_cluster, "web", "-n", "shop")
        assert code == 0 and report["verdict"] == "ok", report["findings"]
        assert report["endpoints"] == {"source": "EndpointSlice", "ready": 2, "total": 2}
        assert {p["outcome"] for p in report["probes"]} <= {"connected", "resolved", "read"}
        names = {p["target"] for p in probes(report, "dns")}
        assert names == {"web", "web.shop", "web.shop.svc.cluster.local", "kubernetes.default"}
        cluster_ip = report["address"]
        clients = {p["from"] for p in probes(report, "tcp", target=cluster_ip)}
        assert len(clients) == 2 and any(c.startswith("shop/web-") for c in clients)  # hairpin from a backend
        assert len([p for p in probes(report, "tcp") if p["target"] != cluster_ip]) == 2  # each endpoint directly
        resolv = probes(report, "resolv")[0]
        assert resolv["search"][0] == "shop.svc.cluster.local" and resolv["ndots"] == 5

    def test_dns_service_itself(self, sim_cluster):
        code, report = live(sim_cluster, "kube-system/kube-dns", "--no-probe")
        assert code == 0 and report["endpoints"]["ready"] == 1 and report["probes"] == []

    def test_udp_silence_is_only_unverified(self, sim_cluster):
        code, report = live(sim_cluster, "kube-system/kube-dns")
        assert code == 0 and finding(report, "udp-unverified")["severity"] == "info"
        assert {p["outcome"] for p in probes(report, "tcp")} == {"connected"}

    def test_short_name_from_another_namespace(self, sim_cluster):
        controller = sim_cluster.pods("ingress-nginx")[0]["metadata"]["name"]
        code, report = live(sim_cluster, "web", "-n", "shop", "--from", f"ingress-nginx/{controller}")
        item = finding(report, "dns-short-name-other-namespace")
        assert code == 0 and item["severity"] == "warning"
        assert item["evidence"]["search"][0] == "ingress-nginx.svc.cluster.local"
        assert "web.shop" in item["fix"]
        assert "policy-blocks-ingress" not in codes(report)  # the policy admits the ingress namespace

    def test_limited_user_degrades_with_notes(self, sim_cluster):
        code, report = live(sim_cluster, "web", "-n", "shop", "--context", "sim-limited", "--no-probe")
        assert code == 0
        notes = " ".join(report["notes"])
        assert "NetworkPolicies not readable: policy checks skipped" in notes
        assert "Ingresses not readable: Ingress checks skipped" in notes

    def test_not_found_suggests_names(self, sim_cluster):
        code, report = live(sim_cluster, "shop/wbe")
        assert code == 1 and finding(report, "service-not-found")["evidence"]["similar names"] == ["web"]
        code, report = live(sim_cluster, "default/web")
        assert finding(report, "service-not-found")["evidence"]["same name in namespaces"] == ["shop"]

    def test_missing_from_pod_is_bad_input(self, sim_cluster):
        from netdebug.errors import NotFoundError

        with pytest.raises(NotFoundError, match="Pod nobody not found in namespace shop"):
            live(sim_cluster, "web", "-n", "shop", "--from", "nobody")


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/not-ready"], indirect=True)
class TestNotReady:
    def test_each_not_ready_pod_has_its_reason(self, sim_cluster):
        code, report = live(sim_cluster, "web", "-n", "shop")
        item = finding(report, "endpoints-not-ready")
        assert code == 1 and item["severity"] == "error" and item["evidence"]["ready"] == "0/4"
        reasons = {r["pod"]: r for r in item["evidence"]["not ready"]}
        assert reasons["shop/web-crash"]["reason"] == "crash-loop"
        assert reasons["shop/web-pull"]["reason"] == "image-pull"
        assert reasons["shop/web-term"]["reason"] == "terminating"
        probe = reasons["shop/web-probe"]
        assert probe["reason"] == "readiness-probe-failing"
        assert any(e.startswith("Unhealthy: Readiness probe failed") for e in probe["events"])
        assert "no ready pod to probe from" in " ".join(report["notes"])

    def test_unschedulable_pod_means_no_endpoints(self, sim_cluster):
        code, report = live(sim_cluster, "api", "-n", "shop")
        item = finding(report, "no-endpoints")
        assert code == 1 and item["evidence"]["selected pods"] == ["shop/api-0 phase=Pending ip=no IP"]
        assert item["evidence"]["not ready"][0]["reason"] == "pending"

    def test_probing_from_a_crashing_pod_fails_with_the_reason(self, sim_cluster):
        code, report = live(sim_cluster, "api", "-n", "shop", "--from", "web-crash")
        item = finding(report, "probe-failed")
        assert item["severity"] == "warning" and "not created or running" in item["evidence"]["errors"][0]

    def test_without_events_reasons_come_from_status(self, sim_cluster):
        code, report = live(sim_cluster, "web", "-n", "shop", "--context", "sim-limited", "--no-probe")
        reasons = {r["pod"]: r for r in finding(report, "endpoints-not-ready")["evidence"]["not ready"]}
        assert reasons["shop/web-probe"]["reason"] == "readiness-probe-failing" and "events" not in reasons["shop/web-probe"]
        assert any(n.startswith("readiness-probe Events not read") for n in report["notes"])


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/selector-no-match"], indirect=True)
def test_selector_no_match_live(sim_cluster):
    code, report = live(sim_cluster, "svc/frontend", "-n", "shop")
    item = finding(report, "selector-no-match")
    assert code == 1 and item["evidence"]["pods in namespace"] == 2
    assert item["evidence"]["nearest pods"][0]["differs"] == ["selector app=frontend, pod has app=front-end"]


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/selectorless"], indirect=True)
def test_selectorless_live(sim_cluster):
    code, report = live(sim_cluster, "external-db", "-n", "shop")
    assert code == 1 and finding(report, "selectorless-no-endpoints")["evidence"]["endpoints"] == "none in EndpointSlice"
    code, report = live(sim_cluster, "legacy-db", "-n", "shop", "--no-probe")  # its address is outside the sim
    assert code == 0 and report["endpoints"] == {"source": "EndpointSlice", "ready": 1, "total": 1}


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/ports"], indirect=True)
class TestPorts:
    def test_target_port_not_exposed_and_nothing_listens_there(self, sim_cluster):
        code, report = live(sim_cluster, "not-exposed", "-n", "shop")
        assert "target-port-not-exposed" not in codes(report)  # one cause, one error: folded in as evidence
        item = finding(report, "not-listening")
        assert item["evidence"]["targetPort"] == 9999 and "9999" in item["evidence"]["declared"][0]
        assert "targetPort 9999, but the app listens on 8080" in item["message"]
        assert code == 1 and len(item["evidence"]["refused"]) == 1
        assert ":9999/TCP: refused (pod shop/app-" in item["evidence"]["refused"][0]
        assert list(item["evidence"]["the container listens on"].values()) == [["0.0.0.0:8080/TCP"]]

    @pytest.mark.parametrize("service,code_", [("named-unresolved", "named-port-unresolved"),
                                               ("wrong-protocol", "port-protocol-mismatch"),
                                               ("string-number", "target-port-string-number")])
    def test_static_port_findings_live(self, sim_cluster, service, code_):
        code, report = live(sim_cluster, service, "-n", "shop")
        assert code == 1 and finding(report, code_)["severity"] == "error"

    def test_udp_to_a_tcp_port_is_refused(self, sim_cluster):
        _, report = live(sim_cluster, "wrong-protocol", "-n", "shop")
        assert "/UDP: refused" in finding(report, "not-listening")["evidence"]["refused"][0]

    def test_right_service(self, sim_cluster):
        code, report = live(sim_cluster, "right", "-n", "shop")
        assert code == 0 and codes(report) == set()


@pytest.mark.parametrize("sim_cluster", both_shapes(f"{SCENARIOS}/types"), indirect=True)
class TestTypes:
    def test_lb_pending_and_externaldns(self, sim_cluster):
        code, report = live(sim_cluster, "web-lb", "-n", "shop", "--no-probe")
        assert code == 0 and finding(report, "lb-pending")["severity"] == "warning"
        assert finding(report, "externaldns-no-target")["evidence"]["external-dns.alpha.kubernetes.io/hostname"] == "web.example.com"
        assert finding(report, "nodeport-facts")["evidence"]["node addresses"] == ["node-1 172.18.0.2", "node-2 172.18.0.3"]

    def test_etp_local_lists_nodes_without_endpoints(self, sim_cluster):
        _, report = live(sim_cluster, "web-local", "-n", "shop", "--no-probe")
        assert "lb-pending" not in codes(report)
        assert finding(report, "etp-local-no-endpoints")["evidence"] == {
            "nodes without a ready endpoint": ["node-2"], "nodes with one": ["node-1"]}

    def test_externalname(self, sim_cluster):
        code, report = live(sim_cluster, "payments", "-n", "shop")
        assert code == 1 and [f["code"] for f in report["findings"]] == ["externalname-unresolvable"] * 2
        assert report["endpoints"]["source"].startswith("none (ExternalName")

    def test_headless_dns_returns_pod_ips(self, sim_cluster):
        _, report = live(sim_cluster, "db", "-n", "shop")
        pod_ip = sim_cluster.pods("shop")
        ips = {p["status"]["podIP"] for p in pod_ip if p["metadata"]["labels"].get("app") == "db"}
        assert set(probes(report, "dns", target="db")[0]["addresses"]) == ips
        assert "headless-service" in codes(report)

    def test_statefulset_service_not_headless(self, sim_cluster):
        _, report = live(sim_cluster, "cache", "-n", "shop", "--no-probe")
        assert finding(report, "statefulset-service-not-headless")["evidence"]["statefulSets"] == ["shop/cache"]


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/ingress"], indirect=True)
def test_ingress_live(sim_cluster):
    code, report = live(sim_cluster, "web", "-n", "shop", "--no-probe")
    assert code == 1
    assert codes(report) >= {"ingress-backend-port-missing", "ingress-class-missing", "ingress-tls-secret-missing",
                             "ingress-no-address", "externaldns-no-target"}
    no_address = {f["evidence"]["ingress"] for f in report["findings"] if f["code"] == "ingress-no-address"}
    assert no_address == {"shop/wrong-class", "shop/no-secret"}  # wrong-port has an address


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/policy"], indirect=True)
def test_policy_blocks_yet_the_sim_cni_does_not_enforce(sim_cluster):
    code, report = live(sim_cluster, "web", "-n", "shop", "--from", "client")
    item = finding(report, "policy-blocks-ingress")  # declared only: observation beats declaration
    assert item["evidence"]["policies"] == ["shop/default-deny", "shop/web-from-frontend"]
    assert item["severity"] == "info" and "declared only" in item["message"]
    assert (code, report["verdict"]) == (0, "warning")
    unenforced = finding(report, "policy-not-enforced")  # the simulated CNI ignores NetworkPolicy
    assert unenforced["evidence"]["connected although denied"][0].startswith("shop/client -> ")


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/mesh"], indirect=True)
def test_mesh_live(sim_cluster):
    _, report = live(sim_cluster, "reviews", "-n", "shop", "--no-probe")
    assert finding(report, "mesh-sidecar")["evidence"]["mesh"] == ["Istio"]


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/probes"], indirect=True)
class TestProbes:
    def test_not_listening_shows_what_it_listens_on_and_log_errors(self, sim_cluster):
        code, report = live(sim_cluster, "web", "-n", "shop")
        item = finding(report, "not-listening")
        assert code == 1 and len(item["evidence"]["refused"]) == 2
        assert set(map(tuple, item["evidence"]["the container listens on"].values())) == {("0.0.0.0:9090/TCP",)}
        logs = finding(report, "backend-log-network-errors")["evidence"]
        assert all(lines == ["[connection-refused] upstream db: dial tcp 10.96.0.50:5432: connect: connection refused"]
                   for lines in logs.values()) and len(logs) == 2
        assert "clusterip-path-broken" not in codes(report)

    def test_dropped_unexplained(self, sim_cluster):
        code, report = live(sim_cluster, "api", "-n", "shop", "--from", "tester")
        item = finding(report, "dropped-unexplained")
        assert code == 1 and item["evidence"]["timed out"][0].startswith("shop/tester -> ")
        assert item["evidence"]["timed out"][0].endswith(":9000/TCP: timeout")

    def test_no_tool_offers_ephemeral(self, sim_cluster):
        code, report = live(sim_cluster, "api", "-n", "shop", "--from", "bare")
        assert code == 0 and "--ephemeral" in finding(report, "probe-no-tool")["fix"]
        assert {p["outcome"] for p in report["probes"]} == {"no-tool"}

    def test_ephemeral_container_probes_from_the_same_pod(self, sim_cluster):
        code, report = live(sim_cluster, "api", "-n", "shop", "--from", "bare", "--ephemeral", "busybox:1.36")
        assert "probe-no-tool" not in codes(report)
        assert any("cannot remove ephemeral containers" in n for n in report["notes"])
        assert {p["outcome"] for p in probes(report, "tcp")} == {"connected"}


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/dns-down"], indirect=True)
def test_dns_down(sim_cluster):
    code, report = live(sim_cluster, "web", "-n", "shop")
    item = finding(report, "dns-down")
    assert code == 1 and item["evidence"]["kube-dns Service"] == "present"
    assert item["evidence"]["CoreDNS pods"][0].startswith("kube-system/coredns-")
    assert item["evidence"]["nameservers"] == ["10.96.0.10"]
    assert {p["outcome"] for p in probes(report, "tcp")} == {"connected"}  # only DNS is broken


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/probes"], indirect=True)
@pytest.mark.parametrize("tool", ["python3", "nc"])
def test_connect_sweep_classifies_each_target(sim_cluster, tool):
    """One exec probes many endpoints; each target's outcome is its own (refused, timeout, connected)."""
    from netdebug.cli.options import ClusterOptions
    from netdebug.probe.sweep import python_batch, tcp_sweep
    from netdebug.kube.client import connect
    from netdebug.model.probes import ProbeSpec

    pods = {p["metadata"]["labels"]["app"]: p["status"]["podIP"] for p in sim_cluster.pods("shop")}
    targets = [(pods["web"], 9090), (pods["web"], 8080), (pods["api"], 9000), (pods["bare"], 1)]
    cluster = connect(ClusterOptions(kubeconfig=sim_cluster.kubeconfig))
    specs = [ProbeSpec("tcp", "shop", "tester", "tester", ip, port) for ip, port in targets]
    run = python_batch if tool == "python3" else tcp_sweep
    outcomes = [r.outcome for r in run(cluster, specs, tool, 1.0)]
    assert outcomes == ["connected", "refused", "timeout", "refused"]
    assert cluster.api_calls == 1


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/policy-enforced"], indirect=True)
def test_enforced_policy_timeout_is_explained_by_the_policy(sim_cluster):
    code, report = live(sim_cluster, "web", "-n", "shop", "--from", "client")
    assert code == 1 and codes(report) == {"policy-blocks-ingress"}  # no dropped-unexplained, no policy-not-enforced
    direct = [p for p in probes(report, "tcp") if p["target"] != report["address"]]
    assert [p["outcome"] for p in direct] == ["timeout"]


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/types"], indirect=True)
def test_fetch_is_targeted(sim_cluster):
    """The Service's own objects only: its slices, its namespace's pods; Nodes only for node-port types."""
    from netdebug.cli.options import ClusterOptions
    from netdebug.cli.svc_fetch import fetch_service_snapshot
    from netdebug.kube.client import connect

    cluster = connect(ClusterOptions(kubeconfig=sim_cluster.kubeconfig))
    snapshot = fetch_service_snapshot(cluster, "shop", "cache")
    assert {p["metadata"]["namespace"] for p in snapshot.of("Pod")} == {"shop"}
    assert [s["metadata"]["labels"]["kubernetes.io/service-name"] for s in snapshot.of("EndpointSlice")] == ["cache"]
    assert snapshot.of("Node") == [] and snapshot.of("Event") == []
    # Service, slices, pods, NetworkPolicies, the three admin policy kinds, ingresses, StatefulSets, Namespace
    assert cluster.api_calls == 10
    cluster = connect(ClusterOptions(kubeconfig=sim_cluster.kubeconfig))
    assert len(fetch_service_snapshot(cluster, "shop", "web-nodeport").of("Node")) == 2


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/probes"], indirect=True)
def test_ephemeral_is_not_added_when_the_pod_has_tools(sim_cluster):
    code, report = live(sim_cluster, "api", "-n", "shop", "--from", "tester", "--ephemeral", "busybox:1.36")
    assert not any("ephemeral" in n for n in report["notes"])
    tester = sim_cluster.store.get("Pod", "shop", "tester")
    assert not tester["spec"].get("ephemeralContainers")
    assert {p["container"] for p in report["probes"]} == {"tester"}


@pytest.mark.parametrize("sim_cluster", [f"{SCENARIOS}/probes"], indirect=True)
def test_clusterip_path_broken(sim_cluster):
    code, report = live(sim_cluster, "cart", "-n", "shop", "--from", "tester")
    item = finding(report, "clusterip-path-broken")
    assert code == 1 and item["evidence"]["pods answered from"] == ["shop/tester"]
    assert item["evidence"]["ClusterIP"][0].startswith(f"shop/tester -> {report['address']}:80/TCP: ")
    assert {p["outcome"] for p in probes(report, "tcp") if p["target"] != report["address"]} == {"connected"}
