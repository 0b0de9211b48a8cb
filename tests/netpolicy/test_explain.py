"""`netpolicy explain`: the structured description, its sentences, and the command's golden output."""
import json

import pytest

from netdebug.cli.netpolicy_explain import explain
from netdebug.errors import InputError, NotFoundError
from netdebug.model.snapshot import Snapshot
from netdebug.policy.describe import describe_policy, policy_types
from netdebug.render.netpolicy_explain import direction_sentences, rule_sentence

from .conftest import MANIFESTS, ROOT, invoke

EXPLAIN = str(MANIFESTS / "explain")
SHOP = str(ROOT / "examples" / "shop")


def policy(spec, ns="shop", name="p"):
    return {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def snapshot_with(*objs):
    snapshot = Snapshot()
    for obj in objs:
        snapshot.add(obj)
    return snapshot


def pod(name, ns, labels, ip=None):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "status": {"podIP": ip} if ip else {}}


@pytest.mark.parametrize("spec,expected", [
    ({"podSelector": {}}, ["ingress"]),
    ({"podSelector": {}, "egress": [{}]}, ["ingress", "egress"]),
    ({"podSelector": {}, "egress": []}, ["ingress"]),
    ({"podSelector": {}, "policyTypes": ["Egress"], "ingress": [{}]}, ["egress"]),
    ({"podSelector": {}, "policyTypes": ["Egress", "Ingress"]}, ["ingress", "egress"]),
])
def test_policy_types_defaults_and_order(spec, expected):
    assert policy_types(policy(spec)) == expected


def test_absent_or_empty_peers_and_ports_mean_all():
    described = describe_policy(policy({"podSelector": {}, "ingress": [{}, {"from": [], "ports": []}]}), Snapshot())
    assert [(r["peers"], r["ports"]) for r in described["ingress"]] == [("all", "all"), ("all", "all")]


def test_no_rules_means_isolated_and_nothing_allowed():
    described = describe_policy(policy({"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"]}),
                                Snapshot())
    assert described["ingress"] == []
    assert direction_sentences(described, "ingress") == [
        "pods app=db in namespace shop accept no incoming traffic (unless another policy allows it)"]
    assert direction_sentences(described, "egress") == []


def test_and_versus_or_peers_match_different_pods():
    snapshot = snapshot_with(
        {"kind": "Namespace", "metadata": {"name": "fe", "labels": {"team": "fe"}}},
        {"kind": "Namespace", "metadata": {"name": "shop", "labels": {}}},
        pod("web", "fe", {"app": "web"}), pod("other", "fe", {"app": "other"}), pod("web", "shop", {"app": "web"}))
    both = {"namespaceSelector": {"matchLabels": {"team": "fe"}}, "podSelector": {"matchLabels": {"app": "web"}}}
    either = [{"namespaceSelector": {"matchLabels": {"team": "fe"}}}, {"podSelector": {"matchLabels": {"app": "web"}}}]
    anded = describe_policy(policy({"podSelector": {}, "ingress": [{"from": [both]}]}), snapshot)
    ored = describe_policy(policy({"podSelector": {}, "ingress": [{"from": either}]}), snapshot)
    assert anded["ingress"][0]["peers"][0]["matches"] == ["fe/web"]
    assert [p["matches"] for p in ored["ingress"][0]["peers"]] == [["fe/other", "fe/web"], ["shop/web"]]


def test_sentence_for_the_issue_example():
    snapshot = snapshot_with(pod("api", "shop", {"app": "api"}))
    spec = {"podSelector": {"matchLabels": {"app": "api"}}, "ingress": [{
        "from": [{"namespaceSelector": {"matchLabels": {"team": "fe"}}, "podSelector": {"matchLabels": {"app": "web"}}}],
        "ports": [{"port": 8080}]}]}
    described = describe_policy(policy(spec), snapshot)
    assert described["selects"] == ["shop/api"]
    assert rule_sentence(described, "ingress", described["ingress"][0]) == (
        "pods app=api in namespace shop accept TCP 8080 from pods app=web in namespaces team=fe (none right now)")


def test_ipblock_ports_and_ranges_in_words():
    spec = {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{
        "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}],
        "ports": [{"port": 8000, "endPort": 8100}, {"protocol": "UDP", "port": "dns"}, {"protocol": "SCTP"}]}]}
    described = describe_policy(policy(spec), Snapshot())
    assert rule_sentence(described, "egress", described["egress"][0]) == (
        "all pods in namespace shop may send TCP 8000-8100, UDP port named dns, SCTP on all ports "
        "to IP addresses in 0.0.0.0/0 except 10.0.0.0/8")


@pytest.mark.parametrize("name,args", [
    ("explain-fixture", ["-f", EXPLAIN]),
    ("explain-shop", ["-f", SHOP]),
    ("explain-shop-one", ["-f", SHOP, "-n", "shop", "backend-from-frontend"]),
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_golden(golden, name, args, fmt):
    code, out = invoke(explain, args + ["-o", fmt])
    assert code == 0
    golden(f"{name}.{'txt' if fmt == 'text' else 'json'}", out)


def test_explain_json_is_the_described_data():
    code, out = invoke(explain, ["-f", EXPLAIN, "-o", "json", "shop/lockdown"])
    report = json.loads(out)
    assert [p["policy"] for p in report["policies"]] == ["shop/lockdown"]
    assert report["policies"][0]["egress"] == [] and report["policies"][0]["directions"] == ["ingress", "egress"]


def test_explain_unknown_and_ambiguous_names(tmp_path):
    with pytest.raises(NotFoundError, match="NetworkPolicy nope not found in namespace default$"):
        invoke(explain, ["-f", EXPLAIN, "nope"])
    with pytest.raises(NotFoundError, match="NetworkPolicy lockdown not found in namespace default; found "
                                            "shop/lockdown"):
        invoke(explain, ["-f", EXPLAIN, "lockdown"])
    twin = tmp_path / "twin.yaml"
    twin.write_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                    "metadata: {name: lockdown, namespace: fe}\nspec: {podSelector: {}}\n")
    with pytest.raises(InputError, match=r"several namespaces \(fe, shop\)"):
        invoke(explain, ["-f", EXPLAIN, "-f", str(twin), "-A", "lockdown"])


def test_explain_namespace_scope():
    code, out = invoke(explain, ["-f", EXPLAIN, "-n", "fe", "-o", "json"])
    assert [p["policy"] for p in json.loads(out)["policies"]] == ["fe/ghost", "fe/web-open"]
