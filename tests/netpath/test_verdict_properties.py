"""Property tests: netpath's verdict agrees with its findings and hop marks, whatever the probes say,
and is the same whichever endpoint the ClusterIP picked.

Real walks from the scenarios' manifests (several policies and admin tiers, Services, pods, external
entries, localhost); hypothesis then draws an outcome for every planned probe, whether the NetworkPolicies
were readable, and what each destination listens on. For every combination: an error finding means
the verdict is not "reachable"; "reachable" means no hop failed; "blocked at X" names a hop that is
not ok, with no failed hop before it; a refuted denial is never left as an error.
"""
import copy
import functools

from hypothesis import HealthCheck, given, settings, strategies as st

from netdebug.diagnose import path_probes
from netdebug.model.snapshot import Gap
from netdebug.model.probes import ProbeResult, ProbeSpec

from .test_conclusions import running, walked

CASES = [
    ("pods", "app/client", "app/server-near", {}), ("pods", "app/client", "app/locked", {}),
    ("pods", "app/client", "app/unenforced", {}), ("pods", "app/client", "app/firewalled", {}),
    ("pods", "app/client", "app/closed", {}), ("pods", "app/client", "app/syslog", {"protocol": "UDP"}),
    ("services", "shop/client", "web", {}), ("services", "shop/client", "svc/wrongport", {}),
    ("services", "shop/client", "svc/noproxy", {}), ("services", "shop/client", "api", {}),
    ("services", "shop/client", "svc/sick", {}), ("services", "shop/web-1", "svc/web", {}),
    ("external", "external", "shop/svc/web-np", {}), ("external", "external", "shop/svc/web-lb", {}),
    ("containers", "app/duo", "app/duo", {"source_container": "sidecar", "to_container": "web"}),
    ("tiers", "partners/client", "payments/ledger", {}), ("tiers", "partners/client", "shop/deploy/web", {}),
    ("tiers", "monitoring/prom", "shop/svc/api", {}), ("tiers", "shop/deploy/web", "shop/svc/api", {}),
    ("composite", "web/reporter", "data/sts/db", {}), ("composite", "web/toolbox", "ops/deploy/metrics-api", {}),
    ("composite", "web/toolbox", "web/svc/shop:metrics", {}), ("composite", "web/toolbox", "web/local", {}),
]
OUTCOMES = {"tcp": ["connected", "refused", "timeout", "no-tool", "exec-failed", "error"],
            "udp": ["connected", "refused", "timeout", "no-answer", "no-tool"],
            "http": ["http", "refused", "timeout", "error"],
            "dns": ["resolved", "nxdomain", "dns-error", "timeout", "no-tool"],
            "resolv": ["read", "no-tool"], "listening": ["listening", "no-tool", "exec-failed"]}
SOCKETS = [(), ({"address": "0.0.0.0", "port": 8080, "protocol": "TCP"},),
           ({"address": "127.0.0.1", "port": 8080, "protocol": "TCP"},),
           ({"address": "0.0.0.0", "port": 9090, "protocol": "TCP"},)]


@functools.lru_cache(maxsize=None)
def _walk(index: int, hidden_policies: bool):
    scenario, src, dst, extra = CASES[index]
    snapshot = running(scenario)
    if hidden_policies:  # as if RBAC forbade listing NetworkPolicies
        snapshot.objects["NetworkPolicy"] = []
        snapshot.gaps.append(Gap("NetworkPolicy", None, "forbidden"))
    return walked(scenario, src, dst, snapshot=snapshot, **extra)


def _results(report, draw) -> list[dict]:
    results = []
    for planned in path_probes.plan(report, report.protocol, "/" if report.protocol == "TCP" else None, None):
        kind = planned["kind"]
        outcome = draw(st.sampled_from(OUTCOMES[kind]))
        sockets = draw(st.sampled_from(SOCKETS))
        owner = planned.get("pod") if kind == "listening" and planned.get("pod") else report.source
        namespace, _, pod = (owner if owner != "external" else "x/this-machine").partition("/")
        spec = ProbeSpec(kind, namespace, pod, "main", planned.get("target", ""), planned.get("port"))
        result = ProbeResult(spec, outcome, "", 1.0, "test", sockets=tuple(sockets))
        entry = {**planned, "outcome": outcome, "detail": "", "sockets": list(sockets)}
        results.append(entry if report.source == "external" else {**entry, "result": result})
    return results


def check_invariants(report) -> None:
    verdict = report.verdict
    findings = report.findings
    statuses = [(h.name, h.status) for h in report.hops]
    assert verdict, statuses
    if any(f.severity == "error" for f in findings):
        assert verdict != "reachable", (verdict, [f.code for f in findings])
    if verdict == "reachable":
        assert all(status != "fail" for _, status in statuses), statuses
    if " at " in verdict:
        name = verdict.rsplit(" at ", 1)[1]
        names = [n for n, _ in statuses]
        assert name in names, (verdict, statuses)
        assert dict(statuses)[name] != "ok", (verdict, statuses)
        assert all(status != "fail" for _, status in statuses[:names.index(name)]), (verdict, statuses)
    policy = report.hop("policy")
    if policy is not None and policy.facts.get("enforced") is False:
        assert "policy-denied" not in [f.code for f in findings]
    for hop in report.hops:
        assert (hop.status == "fail") == any(f.severity == "error" for f in hop.findings), (hop.name, hop.findings)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(CASES) - 1), st.booleans(), st.data())
def test_verdict_invariants_hold_for_any_probe_outcomes(index, hidden_policies, data):
    report = copy.deepcopy(_walk(index, hidden_policies))
    path_probes.conclude(report, _results(report, data.draw))
    check_invariants(report)


def test_every_case_walks_statically_consistent():
    for index in range(len(CASES)):
        for hidden in (False, True):
            check_invariants(copy.deepcopy(_walk(index, hidden)))


SERVICE_CASES = [("services", "shop/client", "web", {}), ("tiers", "monitoring/prom", "shop/svc/api", {}),
                 ("tiers", "shop/deploy/web", "shop/svc/api", {})]
DIRECT = ["connected", "refused", "timeout"]


def _world(report, endpoint_outcomes: dict, pick: str) -> list[dict]:
    """Probe results of one consistent world: each endpoint answers the same way directly and through
    the ClusterIP, which sends this connection to the endpoint `pick`."""
    results = []
    for planned in path_probes.plan(report, report.protocol, None, None):
        kind = planned["kind"]
        if planned["role"] == "endpoint":
            outcome = endpoint_outcomes[planned["of"]]
        elif planned["role"] == "service":
            outcome = endpoint_outcomes[pick]
        else:
            outcome = {"dns": "resolved", "resolv": "ok", "listening": "ok"}.get(kind, "connected")
        owner = planned.get("pod") if kind == "listening" else report.source
        namespace, _, pod = owner.partition("/")
        spec = ProbeSpec(kind, namespace, pod, "main", planned.get("target", ""), planned.get("port"))
        result = ProbeResult(spec, outcome, "", 1.0, "test", sockets=())
        public = "listening" if kind == "listening" and outcome == "ok" else outcome
        results.append({**planned, "outcome": public, "detail": "", "sockets": [], "result": result})
    return results


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SERVICE_CASES) - 1), st.data())
def test_same_answer_whichever_endpoint_the_cluster_ip_picked(index, data):
    scenario, src, dst, extra = SERVICE_CASES[index]
    base = _service_walk(index)
    pods = [e["pod"] for e in base.targets["endpoints"]]
    outcomes = {pod: data.draw(st.sampled_from(DIRECT)) for pod in pods}
    answers = set()
    for pick in pods:
        report = copy.deepcopy(base)
        path_probes.conclude(report, _world(report, outcomes, pick))
        check_invariants(report)
        answers.add((report.verdict, tuple(sorted(f.code for f in report.findings))))
    assert len(answers) == 1, (outcomes, answers)


@functools.lru_cache(maxsize=None)
def _service_walk(index: int):
    scenario, src, dst, extra = SERVICE_CASES[index]
    return walked(scenario, src, dst, **extra)
