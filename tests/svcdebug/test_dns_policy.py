"""svcdebug knows when policy denies the client the cluster DNS (policy-blocks-dns), through the engine
netpath's dns hop uses: offline with --from, live for --from or the probe client; the lookups confirm
it (enforcing CNI: one error, no "DNS down") or contradict it (policy-not-enforced)."""
import json

import pytest

from netdebug.cli import svc_live
from netdebug.diagnose.root_cause import fold_root_causes
from netdebug.diagnose.svc_dns import reconcile_dns_policy
from netdebug.model.findings import Finding
from netdebug.model.probes import ProbeResult, ProbeSpec
from netdebug.model.gaps import Gap
from tests.fakeruntime import FakeRuntime
from tests.netpath.conftest import netpath

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

    def test_netpath_agrees_blocked_at_dns(self, sim_cluster):
        code, out = netpath("-n", "shop", "deploy/client", "web", "--kubeconfig", sim_cluster.kubeconfig,
                            "--timeout", "1", "-o", "json")
        report = json.loads(out)
        assert code == 1 and report["verdict"] == "blocked at dns"
        assert next(h for h in report["hops"] if h["name"] == "dns")["code"] == "policy-blocks-dns"

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


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [LIVE], indirect=True)
def test_netpath_not_enforced_dns_hop_stands_with_the_denial_as_context(sim_cluster):
    code, out = netpath("-n", "shop", "deploy/client", "web", "--kubeconfig", sim_cluster.kubeconfig, "--timeout", "1",
                        "-o", "json")
    report = json.loads(out)
    dns = next(h for h in report["hops"] if h["name"] == "dns")
    assert code == 0 and report["verdict"] == "reachable", report["verdict"]
    assert dns["status"] == "ok" and dns["facts"]["enforced"] is False
    assert [f["code"] for f in report["findings"]] == ["policy-not-enforced"]
    assert "shop/client-egress" in report["findings"][0]["evidence"]["to allow it once policy is enforced"]


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


def test_only_a_default_deny_isolates_the_client_so_a_new_policy_is_suggested(tmp_path):
    (tmp_path / "deny.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: shop}\n"
        "spec: {podSelector: {}, policyTypes: [Egress]}\n")
    code, out = svcdebug("web", "-n", "shop", "-f", str(SCENARIOS / "composite" / "egress-denied-enforced"),
                         "-f", str(tmp_path / "deny.yaml"), "--from", "deploy/client", "-o", "json")
    item = json.loads(out)["findings"]
    assert code == 1 and [f["code"] for f in item] == ["policy-blocks-egress"]  # client-dns-only admits DNS
    code, out = svcdebug("web", "-n", "shop", "-f", str(SCENARIOS / SCENARIO), "-f", str(tmp_path / "deny.yaml"),
                         "--from", "deploy/web", "-o", "json")
    item = finding(json.loads(out), "policy-blocks-dns")
    assert item["fix"].startswith("add a NetworkPolicy in shop (leaving shop/default-deny as it is): "
                                  "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress], egress: [{to:")
    assert item["evidence"]["verified"] == "the new policy admits UDP and TCP 53"


def test_a_second_dns_pod_denied_by_its_ingress_is_named_and_the_first_still_answers(tmp_path):
    pods = [f"apiVersion: v1\nkind: Pod\nmetadata: {{name: coredns-{slot}, namespace: kube-system, labels: "
            f"{{k8s-app: kube-dns, slot: {slot}}}}}\nspec: {{containers: [{{name: coredns, image: coredns:1.11}}]}}\n---\n"
            for slot in "ab"]  # pods given: the coredns Deployment adds none
    (tmp_path / "dns-b.yaml").write_text(
        "".join(pods) +
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b-closed, namespace: kube-system}\n"
        "spec: {podSelector: {matchLabels: {slot: b}}, policyTypes: [Ingress]}\n")
    code, out = svcdebug("web", "-n", "shop", "-f", str(SCENARIOS / SCENARIO), "-f", str(tmp_path / "dns-b.yaml"),
                         "--from", "tools/toolbox", "-o", "json")
    item = finding(json.loads(out), "policy-blocks-dns")
    assert code == 1 and "(1 of 2 pods: kube-system/coredns-b)" in item["message"]
    assert item["evidence"]["UDP 53 allowed to"] == ["kube-system/coredns-a"] and item["subject"].endswith("b-closed")


def _lookup(outcome: str, client=("shop", "client")) -> ProbeResult:
    return ProbeResult(ProbeSpec("dns", *client, "c", "web.shop"), outcome, "", 5.0, "python3")


BLOCKED = Finding("policy-blocks-dns", "warning", "egress UDP 53 from shop/client ... is denied",
                  {"client": "shop/client"}, "edit NetworkPolicy shop/client-egress: ...", "NetworkPolicy shop/p")


def test_lookups_that_fail_confirm_it_and_dns_down_folds_into_it():
    down = Finding("dns-down", "error", "cluster DNS does not answer from shop/client")
    found = fold_root_causes(reconcile_dns_policy([BLOCKED, down], [_lookup("dns-error")], "Service shop/web"))
    assert [(f.code, f.severity) for f in found] == [("policy-blocks-dns", "error")]
    assert found[0].evidence["symptoms"] == [down.message] and "confirm it: 1 of 1 lookup(s) fail" in found[0].message


def test_a_lookup_that_resolves_makes_it_context_beside_policy_not_enforced():
    found = reconcile_dns_policy([BLOCKED], [_lookup("dns-error"), _lookup("resolved")], "Service shop/web")
    assert [(f.code, f.severity) for f in found] == [("policy-blocks-dns", "info"), ("policy-not-enforced", "warning")]
    assert found[1].evidence["to allow it once policy is enforced"] == BLOCKED.fix


def test_answers_prove_nothing_when_some_dns_pods_are_allowed_or_lookups_ran_elsewhere():
    partial = Finding(**{**BLOCKED.__dict__, "evidence": {"client": "shop/client", "UDP 53 allowed to": ["x"]}})
    assert reconcile_dns_policy([partial], [_lookup("resolved")], "s")[0].severity == "warning"
    assert reconcile_dns_policy([BLOCKED], [_lookup("resolved", ("shop", "other"))], "s") == [BLOCKED]
    assert reconcile_dns_policy([BLOCKED], [_lookup("no-tool")], "s") == [BLOCKED]


def test_a_pod_that_never_asks_the_cluster_dns_is_not_blocked_from_it(tmp_path):
    (tmp_path / "node-dns.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: batch, namespace: shop, labels: {app: client}}\n"
        "spec: {dnsPolicy: Default, containers: [{name: batch, image: busybox:1.36}]}\n")
    code, out = svcdebug("web", "-n", "shop", "-f", str(SCENARIOS / SCENARIO), "-f", str(tmp_path / "node-dns.yaml"),
                         "--from", "batch", "-o", "json")
    assert code == 0 and "policy-blocks-dns" not in codes(json.loads(out))  # dnsPolicy Default: the node's resolver


def test_with_nodelocal_dns_cache_the_pods_ask_their_node_so_nothing_is_claimed(tmp_path):
    (tmp_path / "nodelocal.yaml").write_text(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: node-local-dns, namespace: kube-system}\n"
        "spec:\n  selector: {matchLabels: {k8s-app: node-local-dns}}\n  template:\n"
        "    metadata: {labels: {k8s-app: node-local-dns}}\n"
        "    spec: {hostNetwork: true, containers: [{name: node-cache, image: k8s-dns-node-cache:1.23}]}\n")
    code, out = svcdebug("web", "-n", "shop", "-f", str(SCENARIOS / SCENARIO), "-f", str(tmp_path / "nodelocal.yaml"),
                         "--from", "deploy/client", "-o", "json")
    assert code == 0 and "policy-blocks-dns" not in codes(json.loads(out))
