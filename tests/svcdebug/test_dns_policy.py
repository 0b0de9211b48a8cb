"""svcdebug knows when policy denies the client the cluster DNS (policy-blocks-dns), through the engine
netpath's dns hop uses: offline with --from, live for --from or the probe client; the lookups confirm
it (enforcing CNI: one error, no "DNS down") or contradict it (policy-not-enforced)."""
import json

import pytest

from netdebug.cli import svc_live
from netdebug.model.gaps import Gap
from tests.fakeruntime import FakeRuntime

from .conftest import SCENARIOS, codes, finding, offline_json, svcdebug

SCENARIO = "composite/dns-blocked"
LIVE = f"tests/scenarios/svcdebug/{SCENARIO}"
ENFORCE = "tests/simtests/scenarios/enforce"
DNS_RULE = ("append to spec.egress: {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "
            "kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: UDP, port: 53}, "
            "{protocol: TCP, port: 53}]}")


def test_offline_from_a_client_without_dns_names_the_policy_and_a_verified_rule():
    code, report = offline_json(SCENARIO, "web", "-n", "shop", "--from", "deploy/client")
    item = report["findings"][0]
    assert code == 1 and item["code"] == "policy-blocks-dns" and item["severity"] == "error"
    assert item["subject"] == "NetworkPolicy shop/client-egress"
    assert item["fix"] == f"edit NetworkPolicy shop/client-egress: {DNS_RULE}"
    assert item["evidence"]["checked"] == [
        "shop/client -> kube-system/coredns:53/UDP: denied by egress (shop/client-egress)",
        "shop/client -> kube-system/coredns:53/TCP: denied by egress (shop/client-egress)"]
    assert "near miss" not in item["evidence"]  # adding kube-dns to the web rule would admit every port


def test_offline_from_a_client_with_dns_allowed_has_no_such_finding():
    code, report = offline_json(SCENARIO, "web", "-n", "shop", "--from", "tools/toolbox")
    assert code == 0 and "policy-blocks-dns" not in codes(report)


def test_offline_without_a_client_does_not_guess_one():
    code, report = offline_json(SCENARIO, "web", "-n", "shop")
    assert code == 0 and "policy-blocks-dns" not in codes(report)


def _live(kubeconfig: str, *args: str) -> tuple[int, dict]:
    code, out = svcdebug("web", "-n", "shop", "--kubeconfig", kubeconfig, "--timeout", "1", "-o", "json", *args)
    return code, json.loads(out)


def _client_lookups(report: dict) -> list[dict]:
    return [p for p in report["probes"] if p["kind"] == "dns" and p["from"].startswith("shop/client-")]


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [(LIVE, ENFORCE)], indirect=True)
class TestEnforced:
    @pytest.mark.parametrize("args", [("--from", "deploy/client"), ()], ids=["from", "probe-client"])
    def test_dns_blocked_is_the_one_cause_confirmed_by_the_lookups(self, sim_cluster, args):
        code, report = _live(sim_cluster.kubeconfig, *args)
        first = report["findings"][0]
        assert code == 1 and first["code"] == "policy-blocks-dns" and first["severity"] == "error", report["findings"]
        assert "the probes confirm it" in first["message"] and first["subject"] == "NetworkPolicy shop/client-egress"
        assert first["fix"] == f"edit NetworkPolicy shop/client-egress: {DNS_RULE}"
        lookups = _client_lookups(report)
        assert lookups and all(p["outcome"] != "resolved" for p in lookups)
        assert not {"dns-down", "dns-service-unresolved", "service-unreachable"} & codes(report)
        assert any("cluster DNS does not answer" in s for s in first["evidence"]["symptoms"])

    def test_a_client_with_dns_allowed_has_no_such_finding(self, sim_cluster):
        code, report = _live(sim_cluster.kubeconfig, "--from", "tools/toolbox")
        assert code == 0 and codes(report) == {"dns-short-name-other-namespace"}, report["findings"]
        assert all(p["outcome"] == "resolved" for p in report["probes"] if p["kind"] == "dns"
                   and p["target"] != "web")  # the short name resolves only in namespace shop

    def test_no_probe_still_names_the_policy_for_the_from_pod(self, sim_cluster):
        code, report = _live(sim_cluster.kubeconfig, "--from", "deploy/client", "--no-probe")
        assert code == 1 and report["findings"][0]["code"] == "policy-blocks-dns"


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [LIVE], indirect=True)
def test_not_enforced_lookups_resolve_so_the_denial_is_context(sim_cluster):
    code, report = _live(sim_cluster.kubeconfig, "--from", "deploy/client")
    assert code == 0 and report["verdict"] == "warning", report["findings"]
    assert finding(report, "policy-blocks-dns")["severity"] == "info"
    unenforced = finding(report, "policy-not-enforced")
    assert unenforced["severity"] == "warning" and "lookups resolved" in unenforced["message"]
    assert "shop/client-egress" in unenforced["evidence"]["to allow it once policy is enforced"]
    assert all(p["outcome"] == "resolved" for p in _client_lookups(report))


class Forbidding(FakeRuntime):
    """The fake cluster with lists of some kinds in kube-system forbidden (a namespace-scoped role)."""

    def __init__(self, path, forbidden: tuple):
        super().__init__(path)
        self.forbidden = forbidden

    def list(self, kind: str, namespace: str | None = None, label_selector=None, field_selector=None) -> list:
        if kind in self.forbidden and namespace == "kube-system":
            self.gaps.append(Gap(kind, namespace, resource=f"{kind.lower()}s"))
            return []
        return super().list(kind, namespace, label_selector, field_selector)


def _fake(monkeypatch, runtime: FakeRuntime, *args: str) -> tuple[int, dict]:
    monkeypatch.setattr(svc_live, "connect", runtime.connect)
    code, out = svcdebug(*args, "-n", "shop", "--no-probe", "-o", "json")
    return code, json.loads(out)


def test_kube_system_policies_unreadable_judges_the_egress_side_and_says_so(monkeypatch):
    code, report = _fake(monkeypatch, Forbidding(SCENARIOS / SCENARIO, ("NetworkPolicy",)), "web", "--from", "deploy/client")
    assert code == 1 and report["findings"][0]["code"] == "policy-blocks-dns"
    assert any("the cluster DNS pods' ingress not checked" in note for note in report["notes"])


def test_kube_system_gaps_do_not_stop_the_service_policy_checks(monkeypatch):
    runtime = Forbidding(SCENARIOS / "composite" / "egress-denied-enforced", ("NetworkPolicy", "Pod"))
    code, report = _fake(monkeypatch, runtime, "web", "--from", "deploy/client")
    assert code == 1 and codes(report) == {"policy-blocks-egress"}  # this client's egress admits DNS anyway
    assert any("cluster DNS pods not readable: the DNS policy check skipped" in note for note in report["notes"])
