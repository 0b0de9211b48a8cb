"""svcdebug's live orchestration without root: plan -> one batch runner -> conclude, over a fake exec runtime
(tests/fakeruntime.py) behind the same small cluster protocol the real client offers."""
import json

import pytest

from netdebug.cli import svc_live
from netdebug.model import objects
from tests.fakeruntime import FakeRuntime

from .conftest import ROOT, SCENARIOS, svcdebug

POLICY_BLOCKING = ROOT / "examples" / "policy-blocking"


def run(monkeypatch, runtime: FakeRuntime, *args: str) -> tuple[int, dict]:
    monkeypatch.setattr(svc_live, "connect", runtime.connect)
    code, out = svcdebug(*args, "-o", "json")
    return code, json.loads(out)


def web_only_on_80(client: dict, server: dict, port: int) -> bool:
    """What the policy-blocking example's enforcing CNI lets through to the api pods."""
    return objects.labels(client).get("app") == "web" and port == 80


def test_policy_blocking_is_broken_with_the_near_rule_fix(monkeypatch):
    runtime = FakeRuntime(POLICY_BLOCKING, allow=web_only_on_80)
    code, report = run(monkeypatch, runtime, "-n", "payments", "api")
    assert code == 1 and report["verdict"] == "error" and report["summary"].startswith("broken: NetworkPolicy")
    first = report["findings"][0]
    assert first["code"] == "policy-blocks-ingress" and first["severity"] == "error"
    assert "payments/api-from-web ingress rule 0" in first["fix"] and "80 -> 8080" in first["fix"]
    assert "pod-template-hash" not in first["fix"]
    assert len(first["evidence"]["observed"]) == 2  # each endpoint, its own line


def test_one_exec_per_source_pod(monkeypatch):
    runtime = FakeRuntime(POLICY_BLOCKING, allow=web_only_on_80)
    run(monkeypatch, runtime, "-n", "payments", "api")
    execs = {}
    for namespace, pod, container, argv in runtime.calls:
        execs.setdefault((pod, argv[2] if argv[0] == "python3" else argv[0]), []).append(argv)
    web = next(pod for pod, _ in execs if pod.startswith("web-"))
    from netdebug.probe import scripts
    assert len(execs[(web, scripts.PY_BATCH)]) == 1  # resolv.conf, 4 names, the ClusterIP, 2 endpoints: one exec
    assert {key for key in execs if key[0] == web} == {(web, "sh"), (web, scripts.PY_BATCH)}  # + tool detection
    assert len(runtime.calls) == 4  # per client pod (web and a backend): detect tools, one batch


def test_same_answer_whichever_endpoint_the_clusterip_picked(monkeypatch):
    """A selector that also picks a pod not serving the port: the ClusterIP's pick must not change the answer."""
    answers = set()
    for pick in (0, 1):
        runtime = FakeRuntime(SCENARIOS / "composite" / "half-serving", pick=lambda n, pick=pick: pick % n)
        code, report = run(monkeypatch, runtime, "-n", "shop", "api")
        answers.add((code, tuple(sorted((f["code"], f["severity"]) for f in report["findings"]))))
    assert len(answers) == 1, answers
    code, findings = answers.pop()
    assert code == 1 and ("not-listening", "error") in findings
    assert not {"clusterip-path-broken", "hairpin-broken"} & {c for c, _ in findings}


def test_wrong_target_port_names_the_listener_and_folds_the_port_warning(monkeypatch):
    runtime = FakeRuntime(SCENARIOS / "composite" / "wrong-target-port")
    code, report = run(monkeypatch, runtime, "-n", "shop", "web")
    assert code == 1
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert [f["code"] for f in errors] == ["not-listening"]
    assert "targetPort 8081, but the app listens on 8080" in errors[0]["message"]
    assert "declared" in errors[0]["evidence"]  # target-port-not-exposed folded in
    assert "target-port-not-exposed" not in {f["code"] for f in report["findings"]}
    assert not {"clusterip-path-broken", "hairpin-broken"} & {f["code"] for f in report["findings"]}


def test_healthy_service_works_with_every_probe_through_the_runner(monkeypatch):
    runtime = FakeRuntime(SCENARIOS / "healthy")
    code, report = run(monkeypatch, runtime, "-n", "shop", "web")
    assert (code, report["verdict"]) == (0, "ok"), report["findings"]
    assert {p["outcome"] for p in report["probes"]} <= {"connected", "resolved", "read"}
    assert all("elapsedMs" in p and "elapsed_ms" not in p for p in report["probes"])
    assert {p["role"] for p in report["probes"]} >= {"resolv", "dns", "service", "endpoint"}


@pytest.mark.parametrize("tools", [("cat",), ()])
def test_without_python_probes_run_one_by_one_or_say_no_tool(monkeypatch, tools):
    runtime = FakeRuntime(SCENARIOS / "healthy", tools=tools)
    code, report = run(monkeypatch, runtime, "-n", "shop", "web")
    outcomes = {p["outcome"] for p in report["probes"]}
    assert "no-tool" in outcomes and "probe-no-tool" in {f["code"] for f in report["findings"]}
    assert report["verdict"] != "error" or any(f["severity"] == "error" for f in report["findings"])


def test_backend_logs_are_read_and_judged(monkeypatch):
    runtime = FakeRuntime(SCENARIOS / "probes")
    code, report = run(monkeypatch, runtime, "-n", "shop", "web")
    logs = next(f for f in report["findings"] if f["code"] == "backend-log-network-errors")["evidence"]
    assert code == 1 and len(logs) == 2
    assert all(lines == ["[connection-refused] upstream db: dial tcp 10.96.0.50:5432: connect: connection refused"]
               for lines in logs.values())
    assert next(f for f in report["findings"] if f["code"] == "not-listening")["severity"] == "error"


def test_the_fake_and_the_real_client_offer_the_same_cluster_protocol():
    from netdebug.kube.client import Cluster
    from netdebug.model.cluster import ClusterRuntime

    assert isinstance(FakeRuntime(SCENARIOS / "healthy"), ClusterRuntime)
    assert all(callable(getattr(Cluster, name, None)) for name in ("exec", "get", "list", "logs"))


def test_an_admin_tier_denial_is_named_as_such(monkeypatch):
    """partners -> payments: guard-payments (AdminNetworkPolicy, Deny) decides before payments' allow-all."""
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ledger", "namespace": "payments"},
               "spec": {"selector": {"app": "ledger"}, "ports": [{"port": 80, "targetPort": 8080}]}}
    runtime = FakeRuntime(ROOT / "tests" / "scenarios" / "netpath" / "tiers", extra=[service])
    code, report = run(monkeypatch, runtime, "-n", "payments", "ledger", "--from", "partners/client", "--no-probe")
    dns, first = report["findings"][:2]  # the baseline also denies partners the cluster DNS: the name fails first
    assert dns["code"] == "policy-blocks-dns" and dns["subject"] == "BaselineAdminNetworkPolicy default"
    assert code == 1 and first["code"] == "policy-blocks-ingress" and first["message"].startswith("AdminNetworkPolicy")
    assert "guard-payments" in first["fix"] and "no NetworkPolicy can override" in first["fix"]
    assert "AdminNetworkPolicy guard-payments ingress rule 0 (Deny) decides" in first["evidence"]["denied"][0]
