"""Declared vs observed: what probe outcomes mean for a walked path (pure logic, real walks from manifests)."""
from netdebug.cli.path_query import build_query
from netdebug.diagnose import external_probes, path_probes
from netdebug.diagnose.path import walk
from netdebug.diagnose.target import parse_destination, parse_source
from netdebug.manifests.loader import load

from netdebug.model.probes import ProbeResult, ProbeSpec

from .conftest import SCENARIOS

DEFAULTS = {"dns": "resolved", "listening": "listening", "resolv": "read"}


def running(scenario: str):
    """The scenario's objects with the runtime state the probes assume: every pod running and ready."""
    snapshot = load([str(SCENARIOS / scenario)])
    for index, pod in enumerate(snapshot.of("Pod")):
        pod["status"] = {"phase": "Running", "podIP": f"10.244.0.{index + 2}",
                         "conditions": [{"type": "Ready", "status": "True"}]}
    return snapshot


def walked(scenario: str, src: str, dst: str, snapshot=None, **extra):
    snapshot = snapshot or running(scenario)
    query = build_query(snapshot, parse_source(src), parse_destination(dst), None, False, **extra)
    return walk(snapshot, query)


def outcomes(report, sockets=(), **by_role) -> list[dict]:
    """Each planned probe with an outcome, as the CLI hands them over (the ProbeResult included)."""
    results = []
    for planned in path_probes.plan(report, report.protocol, None, None):
        namespace, _, pod = (planned.get("pod") if planned["kind"] == "listening" else report.source).partition("/")
        spec = ProbeSpec(planned["kind"], namespace, pod, "main", planned.get("target", ""), planned.get("port"),
                         role=planned["role"])
        outcome = by_role.get(planned["role"], DEFAULTS.get(planned["kind"], "connected"))
        result = ProbeResult(spec, outcome, "", 1.0, "test", sockets=tuple(sockets))
        results.append({**planned, **result.to_dict(), "result": result})
    return results


def test_plan_hits_dns_service_and_every_endpoint():
    report = walked("services", "shop/client", "web")
    roles = [p["role"] for p in path_probes.plan(report, "TCP", "/healthz", None)]
    assert roles.count("endpoint") == 2 and roles.count("listening") == 2
    assert roles[:4] == ["dns", "dns-cluster", "resolv", "service"] and roles[-1] == "http"


def test_service_connected_is_reachable():
    report = walked("services", "shop/client", "web")
    path_probes.conclude(report, outcomes(report))
    assert report.verdict == "reachable"


def test_pods_answer_but_clusterip_does_not():
    report = walked("services", "shop/client", "svc/noproxy")
    path_probes.conclude(report, outcomes(report, service="timeout"))
    assert report.verdict == "blocked at service" and report.hop("service").code == "clusterip-path-broken"


def test_refused_on_pod_ip_is_not_listening_with_what_listens():
    report = walked("services", "shop/client", "svc/wrongport")
    results = outcomes(report, sockets=[{"address": "0.0.0.0", "port": 8080, "protocol": "TCP"}],
                       service="refused", endpoint="refused")
    path_probes.conclude(report, results)
    assert report.verdict == "blocked at destination"
    finding = next(f for f in report.findings if f.code == "not-listening")
    assert finding.evidence["the container listens on"]["shop/web-1"] == ["0.0.0.0:8080/TCP"]


def test_denied_but_connected_is_policy_not_enforced():
    report = walked("pods", "app/client", "app/unenforced")
    path_probes.conclude(report, outcomes(report))
    assert report.verdict == "reachable" and [f.code for f in report.findings] == ["policy-not-enforced"]
    policy = report.hop("policy")
    assert policy.status == "ok" and policy.facts["enforced"] is False
    finding = policy.findings[0]
    assert finding.severity == "warning" and "unenforced-ingress" in finding.evidence["declared"]


def test_denied_and_timed_out_is_consistent():
    report = walked("pods", "app/client", "app/locked")
    path_probes.conclude(report, outcomes(report, endpoint="timeout"))
    assert report.verdict == "blocked at policy" and "policy-not-enforced" not in [f.code for f in report.findings]


def test_allowed_but_timed_out_is_dropped_unexplained():
    report = walked("pods", "app/client", "app/firewalled")
    path_probes.conclude(report, outcomes(report, endpoint="timeout"))
    assert report.verdict == "blocked at destination"
    assert [f.code for f in report.findings][:1] == ["dropped-unexplained"]


def test_dns_down_and_no_tool_says_ephemeral():
    report = walked("services", "shop/client", "web")
    path_probes.conclude(report, outcomes(report, **{"dns": "dns-error", "dns-cluster": "dns-error"},
                                          service="no-tool", endpoint="no-tool"))
    assert report.hop("dns").code == "dns-down" and report.verdict == "blocked at dns"
    assert "--ephemeral" in next(f for f in report.findings if f.code == "probe-no-tool").fix


def test_external_probes_hit_each_node_on_the_node_port():
    report = walked("external", "external", "shop/svc/web-np")
    external = report.targets["external"]
    assert external_probes.first_round(external) == []  # no name to resolve
    planned = external_probes.second_round(external, [], "/")
    entries = [(p["target"], p["port"]) for p in planned if p["role"] == "entry"]
    assert entries == [("172.18.0.2", 30080), ("172.18.0.3", 30080)] and planned[-1]["kind"] == "http"
    results = [{**p, "outcome": "timeout", "detail": ""} for p in planned]
    external_probes.conclude(report, results)
    assert report.verdict == "blocked at entry" and report.hop("entry").code == "nodeport-filtered"
    report = walked("external", "external", "shop/svc/web-np")
    results[0].update(outcome="connected")
    results[-1].update(outcome="http", detail="200", status=200)
    external_probes.conclude(report, results)
    assert report.verdict == "reachable" and [f.code for f in report.findings] == ["nodeport-filtered"]
    assert report.findings[0].severity == "warning"  # one node answers: partly filtered


def test_a_drop_from_a_host_network_pod_blames_the_cni_defined_policy_hop():
    report = walked("pods", "app/node-agent", "app/server-far")
    path_probes.conclude(report, outcomes(report, endpoint="timeout"))
    assert report.hop("policy").code == "policy-cni-defined" and report.verdict == "blocked at policy"
    assert report.hop("destination").status != "fail"  # the drop is not the destination's, as far as we know


def test_an_unenforced_denial_is_drawn_as_a_warning_not_a_break():
    import io

    from netdebug.render.netpath_text import render
    from netdebug.render.style import Style

    report = walked("pods", "app/client", "app/unenforced")
    path_probes.conclude(report, outcomes(report))
    out = io.StringIO()
    render(report.to_dict(), out, Style(False))
    line = next(line for line in out.getvalue().splitlines() if "policy" in line and "DENIED" in line)
    assert line.startswith("  ! policy") and "NOT ENFORCED" in line and "first broken hop" not in out.getvalue()
    assert "verdict: reachable" in out.getvalue()


def test_a_dns_denial_the_lookups_contradict_is_drawn_on_the_dns_hop(tmp_path):
    import io

    from netdebug.render.netpath_text import render
    from netdebug.render.style import Style

    policy = tmp_path / "only-web.yaml"
    policy.write_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-web, namespace: shop}\n"
                      "spec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n"
                      "  egress:\n  - to: [{podSelector: {matchLabels: {app: web}}}]\n")
    snapshot = running("services")
    snapshot.merge(load([str(policy)]))
    report = walked("services", "shop/client", "web", snapshot=snapshot)
    assert report.hop("dns").code == "policy-blocks-dns"
    path_probes.conclude(report, outcomes(report))
    out = io.StringIO()
    render(report.to_dict(), out, Style(False))
    line = next(line for line in out.getvalue().splitlines() if line.lstrip("!x? ").startswith("dns"))
    assert line.startswith("  ! dns") and "NOT ENFORCED: the lookups resolved" in line
    assert "first broken hop" not in out.getvalue() and "policy-not-enforced" in out.getvalue()
