"""Property tests: svcdebug's answer agrees with its own evidence, whatever the probes say.

Real Services from scenarios (several policies, multi-port, an odd endpoint, sidecars), and generated
ones (1-3 replicas, one or two ports served or pointing at an undeclared port, an odd pod the selector
also picks, no policy / deny-all / a rule admitting the client on one port / one label value off),
completed by the simulator's pure control plane; the real planner lists the probes. hypothesis then draws what each
endpoint does on each port (connects, refuses, drops, or the probe cannot run), whether the ClusterIP
translation works and which endpoint it picks for every ClusterIP probe, the DNS answers and what the
refusing pods listen on. For every combination (thousands), the invariants of the issue hold:
- the verdict is derived from the findings: "error" iff an error finding, "broken" iff an error;
- client probes ran and all failed -> the Service does not work;
- observation beats declaration: a denial the probes contradicted is never an error, one they
  confirmed (a denied connection timed out) is;
- evidence is per port: a not-listening finding speaks of one target port only;
- a refused ClusterIP connect is never clusterip-path-broken / hairpin-broken evidence;
- policy that denies the probe client the cluster DNS is an error iff its lookups ran and none resolved
  (then no "DNS down" beside it: one cause, one error), context beside policy-not-enforced when one
  resolved, a warning when none could run;
- same input -> same answer, whichever endpoint the ClusterIP picked (checked where every endpoint was
  probed directly; where one could not be, the ClusterIP's answer is the only evidence about it and may
  rightly differ).
"""
import dataclasses
import functools

from hypothesis import HealthCheck, given, settings, strategies as st

from netdebug.diagnose.service_ports import select_ports
from netdebug.diagnose.svc_conclude import client_probes, conclude_service
from netdebug.diagnose.svc_dns import dns_policy_findings
from netdebug.diagnose.svc_probe_facts import probe_facts
from netdebug.diagnose.svc_probe_plan import Client, choose_client_pods, plan_probes
from netdebug.diagnose.svcdebug import ServiceFacts, build_report, static_findings
from netdebug.model import objects
from netdebug.model.probes import ProbeResult
from netdebug.model.snapshot import Snapshot
from tests.fakeruntime import FakeRuntime

from .conftest import ROOT, SCENARIOS

CASES = [(SCENARIOS / "composite" / "half-serving", "shop", "api"),
         (SCENARIOS / "composite" / "wrong-target-port", "shop", "web"),
         (ROOT / "examples" / "policy-blocking", "payments", "api"),
         (SCENARIOS / "policy-enforced", "shop", "web"),
         (SCENARIOS / "healthy", "shop", "web"),
         (ROOT / "examples" / "shop", "shop", "frontend")]
BEHAVIOUR = ["connected", "refused", "timeout"]  # what an endpoint does on a port
NOT_RUN = [None, None, None, "no-tool", "exec-failed"]  # whether a probe could run at all (None: it ran)
DNS = ["resolved", "nxdomain", "dns-error", "timeout"]
SOCKETS = [(), ({"address": "0.0.0.0", "port": 8080, "protocol": "TCP"},),
           ({"address": "127.0.0.1", "port": 8080, "protocol": "TCP"},),
           ({"address": "0.0.0.0", "port": 9090, "protocol": "TCP"},)]


@functools.lru_cache(maxsize=None)
def _case(index):
    """(facts, clients, specs, probe facts, static findings) of one Service: computed once, drawn on many
    times. index: a CASES position, or a Shape of a generated Service."""
    if isinstance(index, Shape):
        snapshot, namespace, name = index.snapshot(), "shop", "web"
    else:
        path, namespace, name = CASES[index]
        snapshot = FakeRuntime(path).snapshot()
    service = snapshot.get("Service", namespace, name)
    facts = ServiceFacts.gather(snapshot, service, select_ports(service, None))
    chosen = choose_client_pods(snapshot.in_namespace("Pod", namespace), facts.backends, None)
    clients = [Client(pod, "c", role) for pod, role in chosen]
    specs = plan_probes(service, facts.ports, facts.view, clients, {objects.ref(p): p for p in snapshot.of("Pod")})
    placeholder = [ProbeResult(spec, "connected", "", 1.0, "test") for spec in specs]
    static = static_findings(facts) + dns_policy_findings(facts, chosen[0][0], confirmed_later=True)  # as svc_probes
    return facts, clients, specs, probe_facts(facts, clients, placeholder), static


@dataclasses.dataclass(frozen=True)
class Shape:
    """A generated Service: replicas, its ports (each served on a declared port or pointing at one nothing
    declares), an odd pod the selector also picks, which NetworkPolicies exist."""
    replicas: int
    ports: tuple  # per Service port: "declared" | "undeclared"
    odd_pod: bool
    policy: str  # "none" | "deny-all" | "admit-first-port" | "admit-other-label"
    client_dns: bool = True  # False: the client's egress admits only the backends (not the cluster DNS)

    def snapshot(self):
        objs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
                _deployment("web", self.replicas, {"app": "web", "track": "stable"}, [8080, 9090]),
                _deployment("client", 1, {"app": "client"}, []),
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
                 "spec": {"selector": {"app": "web"}, "ports": [
                     {"name": f"p{i}", "port": 80 + i, "targetPort": (8080, 9090)[i] if how == "declared" else 7000 + i}
                     for i, how in enumerate(self.ports)]}}]
        if self.odd_pod:
            objs.append({"apiVersion": "v1", "kind": "Pod", "metadata": {
                "name": "web-odd", "namespace": "shop", "labels": {"app": "web", "track": "odd"},
                "annotations": {"sim.netdebug.io/listen": "none"}},
                "spec": {"containers": [{"name": "web", "image": "web:rc", "ports": [{"containerPort": 8080}]}]}})
        objs += _policies(self.policy) + [_deployment("coredns", 1, {"k8s-app": "kube-dns"}, [53], "kube-system")]
        if not self.client_dns:
            objs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": {"name": "client-egress", "namespace": "shop"},
                         "spec": {"podSelector": {"matchLabels": {"app": "client"}}, "policyTypes": ["Egress"],
                                  "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]}})
        from tests.sim import controllers
        snapshot = Snapshot(origin="live")
        for obj in controllers.reconcile(objs):
            snapshot.add(obj)
        return snapshot


def _deployment(name: str, replicas: int, labels: dict, ports: list[int], namespace: str = "shop") -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                         {"name": name, "image": f"{name}:1", "ports": [{"containerPort": p} for p in ports]}]}}}}


def _policies(kind: str) -> list[dict]:
    if kind == "none":
        return []
    deny = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny", "namespace": "shop"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    if kind == "deny-all":
        return [deny]
    peer = {"app": "client"} if kind == "admit-first-port" else {"app": "clients"}  # one label value off
    return [deny, {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": {"name": "web-from-client", "namespace": "shop"},
                   "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
                            "ingress": [{"from": [{"podSelector": {"matchLabels": peer}}],
                                         "ports": [{"port": 8080, "protocol": "TCP"}]}]}}]


SHAPES = st.builds(Shape, st.integers(1, 3),
                   st.lists(st.sampled_from(["declared", "undeclared"]), min_size=1, max_size=2).map(tuple),
                   st.booleans(), st.sampled_from(["none", "deny-all", "admit-first-port", "admit-other-label"]),
                   st.booleans())


@dataclasses.dataclass(frozen=True)
class World:
    """What the cluster does, drawn once: each (endpoint, port)'s behaviour, the ClusterIP, DNS answers."""
    per_target: dict
    translation_works: bool
    dns: dict
    not_run: tuple  # per planned probe: None, or why it could not run


def draw_world(specs, facts, draw) -> World:
    endpoint_ips = {e.ip for e in facts.view.endpoints}
    return World({(s.target, s.port): draw(st.sampled_from(BEHAVIOUR)) for s in specs if s.target in endpoint_ips},
                 draw(st.booleans()), {s.target: draw(st.sampled_from(DNS)) for s in specs if s.kind == "dns"},
                 tuple(draw(st.sampled_from(NOT_RUN)) for _ in specs))


def results_in(world: World, specs, facts, pick: int) -> list[ProbeResult]:
    """Every planned probe's result in this world, the ClusterIP sending each connect to endpoint `pick`."""
    results = []
    for spec, not_run in zip(specs, world.not_run):
        if not_run:
            outcome = not_run
        elif spec.kind == "resolv":
            outcome = "read"
        elif spec.kind == "dns":
            outcome = world.dns[spec.target]
        elif (spec.target, spec.port) in world.per_target:
            outcome = world.per_target[(spec.target, spec.port)]
        else:
            outcome = _through_clusterip(spec, facts, world, pick)
        results.append(ProbeResult(spec, outcome, "", 1.0, "test"))
    return results


def _through_clusterip(spec, facts, world: World, pick: int) -> str:
    """kube-proxy: the Service port to the picked ready endpoint's port; nothing comes back when broken."""
    ready, ports = {e.ip for e in facts.view.ready}, _ports_of(facts, spec.port)
    served = sorted((ip, port) for (ip, port) in world.per_target if ip in ready and port in ports)
    if not world.translation_works:
        return "timeout"
    if not served:
        return "refused"
    return world.per_target[served[pick % len(served)]]


def _ports_of(facts, service_port: int) -> set:
    from netdebug.diagnose.svc_probe_plan import endpoint_port

    pods = {e.ip: facts.snapshot.get("Pod", *e.pod.split("/", 1)) for e in facts.view.endpoints if e.pod}
    return {endpoint_port(p, e, pods.get(e.ip)) for p in facts.ports if p.get("port") == service_port
            for e in facts.view.endpoints}


def _conclude(index: int, results: list, listening: dict):
    facts, clients, _, probe_facts_, static = _case(index)
    known = dataclasses.replace(probe_facts_, listening=listening)
    return conclude_service(list(static), results, known), known


def check_invariants(findings, results, known, report) -> None:
    errors = [f for f in findings if f.severity == "error"]
    assert (report["verdict"] == "error") == bool(errors), (report["verdict"], [f.code for f in findings])
    assert report["summary"].startswith("broken") == bool(errors), report["summary"]
    ran = client_probes(results, known)
    if ran and all(r.failed for r in ran):
        assert errors, [(r.spec.target, r.spec.port, r.outcome) for r in ran]
    for finding in findings:
        if finding.code == "policy-blocks-dns":
            check_dns_policy(finding, findings, results)
        elif finding.code.startswith("policy-blocks-") and "observed" in finding.evidence:
            timed_out = any(line.endswith(": timeout") for line in finding.evidence["observed"])
            assert (finding.severity == "error") == timed_out, finding
        if finding.code in ("not-listening", "listening-loopback-only"):
            port = finding.evidence["targetPort"]
            assert all(f":{port}/" in line for line in finding.evidence["refused"]), finding.evidence
        if finding.code in ("clusterip-path-broken", "hairpin-broken"):
            lines = finding.evidence.get("ClusterIP") or finding.evidence.get("failed") or []
            assert not any(line.endswith(": refused") for line in lines), finding.evidence


def check_dns_policy(finding, findings, results) -> None:
    lookups = [r for r in results if r.spec.kind == "dns" and f"{r.spec.namespace}/{r.spec.pod}" ==
               finding.evidence["client"] and r.outcome not in ("no-tool", "exec-failed")]
    codes = {f.code for f in findings}
    if not lookups:
        assert finding.severity == "warning", finding
    elif any(r.outcome == "resolved" for r in lookups):
        assert finding.severity == "info" and "policy-not-enforced" in codes, finding
    else:
        assert finding.severity == "error" and not codes & {"dns-down", "dns-service-unresolved"}, codes


def _answer(findings) -> tuple:
    return tuple(sorted((f.code, f.severity) for f in findings))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(CASES) - 1), st.data())
def test_svcdebug_invariants_hold_for_any_probe_outcomes(index, data):
    check_world(index, data)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SHAPES, st.data())
def test_svcdebug_invariants_hold_for_generated_services(shape, data):
    check_world(shape, data)


def check_world(index, data) -> None:
    """Draw a world for this Service, conclude once per endpoint the ClusterIP may pick, check each answer."""
    facts, _, specs, _, _ = _case(index)
    world = draw_world(specs, facts, data.draw)
    listening = {e.pod: list(data.draw(st.sampled_from(SOCKETS))) for e in facts.view.endpoints if e.pod}
    answers = set()
    for pick in range(max(1, len(facts.view.ready))):
        results = results_in(world, specs, facts, pick)
        findings, known = _conclude(index, results, listening)
        report = build_report(facts.ref, findings, facts, [r.to_dict() for r in results])
        check_invariants(findings, results, known, report)
        answers.add(_answer(findings))
    if _endpoints_proven(world, specs, facts):  # else the ClusterIP's answer is the only evidence of some endpoint
        assert len(answers) == 1, f"the answer depends on the endpoint the ClusterIP picked: {answers}"


def _endpoints_proven(world: World, specs, facts) -> bool:
    """Every direct probe of an endpoint ran."""
    endpoint_ips = {e.ip for e in facts.view.endpoints}
    return all(not_run is None for spec, not_run in zip(specs, world.not_run) if spec.target in endpoint_ips)


def test_every_case_plans_client_probes():
    for index in range(len(CASES)):
        facts, clients, specs, _, _ = _case(index)
        assert clients and any(s.role == "endpoint" for s in specs), CASES[index]


def test_generated_services_are_what_they_say():
    facts, clients, specs, _, static = _case(Shape(2, ("declared", "undeclared"), True, "admit-other-label"))
    assert len(facts.view.endpoints) == 3 and [c.role for c in clients] == ["namespace pod", "backend"]
    assert sum(1 for s in specs if s.role == "endpoint") == 6  # 3 endpoints x 2 ports
    assert {f.code for f in static} >= {"target-port-not-exposed", "policy-blocks-ingress"}
    assert "policy-blocks-dns" not in {f.code for f in static}
    _, _, _, _, static = _case(Shape(1, ("declared",), False, "none", client_dns=False))
    assert [(f.code, f.severity) for f in static] == [("policy-blocks-dns", "warning")]
