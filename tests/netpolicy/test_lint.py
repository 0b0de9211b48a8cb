"""`netpolicy lint`: each finding code on a case that has the mistake and one that does not."""
import json

import pytest

from netdebug.cli.netpolicy_lint import lint as lint_command
from netdebug.manifests.loader import load
from netdebug.model.snapshot import Snapshot
from netdebug.policy.lint import lint

from .conftest import MANIFESTS, ROOT, invoke

MISTAKES = str(MANIFESTS / "mistakes")
SHOP = str(ROOT / "examples" / "shop")


def snapshot_with(*objs):
    snapshot = Snapshot()
    for obj in objs:
        snapshot.add(obj)
    return snapshot


def pod(name, ns, labels, ip=None, ports=()):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"containers": [{"name": "c", "ports": list(ports)}]}, "status": {"podIP": ip} if ip else {}}


def policy(spec, ns="shop", name="p"):
    return {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def codes(snapshot, problems=()):
    return sorted({(f.code, f.subject) for f in lint(snapshot, list(problems)) if f.code != "pod-unprotected"})


WEB = pod("web", "shop", {"app": "web"}, "10.1.0.5", [{"containerPort": 80, "name": "http"}])
DNS = pod("coredns", "kube-system", {"k8s-app": "kube-dns"}, "10.1.9.9", [{"containerPort": 53, "name": "dns", "protocol": "UDP"}])
ALL = {"podSelector": {}}


def test_mistakes_fixture_has_every_code():
    found = {f.code for f in lint(load([MISTAKES]), ["api/broken-range: endPort 8000 < port 9000"])}
    assert found == {"invalid-policy", "and-or-mistake", "peer-selector-matches-nothing", "named-port-undefined",
                     "ipblock-covers-pod-ips", "policy-selects-no-pods", "egress-rules-without-egress-type",
                     "ingress-rules-without-ingress-type", "egress-blocks-dns", "duplicate-policy",
                     "redundant-policy", "pod-unprotected"}


def test_selects_no_pods_and_unprotected():
    snapshot = snapshot_with(WEB, policy({"podSelector": {"matchLabels": {"app": "gone"}}}))
    assert codes(snapshot) == [("policy-selects-no-pods", "NetworkPolicy shop/p")]
    assert [f.subject for f in lint(snapshot) if f.code == "pod-unprotected"] == ["Pod shop/web"]
    assert not [f for f in lint(snapshot_with(WEB, policy(ALL))) if f.code == "pod-unprotected"]


def test_and_or_mistake_only_for_the_split_form():
    ns_only, pod_only = {"namespaceSelector": {}}, {"podSelector": {"matchLabels": {"app": "web"}}}
    split = policy({**ALL, "ingress": [{"from": [ns_only, pod_only]}]})
    joined = policy({**ALL, "ingress": [{"from": [{**ns_only, **pod_only}]}]})
    reversed_order = policy({**ALL, "ingress": [{"from": [pod_only, ns_only]}]})
    assert ("and-or-mistake", "NetworkPolicy shop/p") in codes(snapshot_with(WEB, split))
    assert "and-or-mistake" not in {c for c, _ in codes(snapshot_with(WEB, joined))}
    assert "and-or-mistake" not in {c for c, _ in codes(snapshot_with(WEB, reversed_order))}


def test_egress_blocks_dns_unless_some_policy_allows_it():
    deny = policy({**ALL, "policyTypes": ["Egress"]}, name="deny")
    dns_rule = {"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"port": "dns", "protocol": "UDP"}]}
    allow = policy({**ALL, "policyTypes": ["Egress"], "egress": [dns_rule]}, name="dns")
    wrong_peer = policy({**ALL, "policyTypes": ["Egress"], "egress": [{"to": [{"podSelector": {}}]}]}, name="local")
    assert codes(snapshot_with(WEB, DNS, deny)) == [("egress-blocks-dns", "NetworkPolicy shop/deny")]
    assert "egress-blocks-dns" not in {c for c, _ in codes(snapshot_with(WEB, DNS, deny, allow))}
    assert codes(snapshot_with(WEB, DNS, wrong_peer)) == [("egress-blocks-dns", "NetworkPolicy shop/local")]


def test_named_port_undefined_checks_protocol_and_destination():
    ingress = policy({**ALL, "ingress": [{"ports": [{"port": "http"}, {"port": "http", "protocol": "UDP"}]}]})
    findings = [f for f in lint(snapshot_with(WEB, ingress)) if f.code == "named-port-undefined"]
    assert [(f.evidence["port"], f.evidence["protocol"]) for f in findings] == [("http", "UDP")]
    egress = policy({**ALL, "policyTypes": ["Egress"], "egress": [
        {"to": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": "metrics"}]}]})
    assert ("named-port-undefined", "NetworkPolicy shop/p") in codes(snapshot_with(WEB, egress))


def test_ipblock_covers_pod_ips_respects_except():
    block = {"ipBlock": {"cidr": "10.1.0.0/16", "except": ["10.1.0.0/24"]}}
    assert codes(snapshot_with(WEB, policy({**ALL, "ingress": [{"from": [block]}]}))) == []
    block["ipBlock"]["except"] = ["10.1.1.0/24"]
    findings = [f for f in lint(snapshot_with(WEB, policy({**ALL, "ingress": [{"from": [block]}]})))
                if f.code == "ipblock-covers-pod-ips"]
    assert findings[0].evidence["pods"] == ["shop/web"]


def test_duplicate_and_redundant():
    rule = {"from": [{"podSelector": {}}], "ports": [{"port": 80}]}
    first = policy({**ALL, "ingress": [rule]}, name="a")
    same = policy({"policyTypes": ["Ingress"], **ALL, "ingress": [rule]}, name="b")
    more = policy({**ALL, "ingress": [rule, {"ports": [{"port": 443}]}]}, name="c")
    other_ns = policy({**ALL, "ingress": [{"ports": [{"port": 80}]}]}, ns="elsewhere", name="a")
    assert codes(snapshot_with(WEB, first, same)) == [("duplicate-policy", "NetworkPolicy shop/b")]
    assert codes(snapshot_with(WEB, first, more)) == [("redundant-policy", "NetworkPolicy shop/a")]
    other_pod = pod("web", "elsewhere", {"app": "web"})
    assert codes(snapshot_with(WEB, other_pod, first, other_ns)) == []


def test_invalid_policy_from_engine_problems_is_an_error():
    findings = lint(Snapshot(), ["shop/x: bad CIDR 10.0.0.0/33"])
    assert [(f.code, f.severity, f.subject) for f in findings] == [("invalid-policy", "error", "NetworkPolicy shop/x")]


@pytest.mark.parametrize("name,args,exit_code", [
    ("lint-mistakes", ["-f", MISTAKES], 1),
    ("lint-shop", ["-f", SHOP], 0),
])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lint_golden(golden, name, args, exit_code, fmt):
    code, out = invoke(lint_command, args + ["-o", fmt])
    assert code == exit_code
    golden(f"{name}.{'txt' if fmt == 'text' else 'json'}", out)


def test_lint_min_severity_and_namespace():
    code, out = invoke(lint_command, ["-f", MISTAKES, "-n", "web", "--min-severity", "warning", "-o", "json"])
    report = json.loads(out)
    assert code == 0
    assert sorted(f["code"] for f in report["findings"]) == ["egress-blocks-dns", "ingress-rules-without-ingress-type"]
