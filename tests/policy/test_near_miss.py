"""Near misses and policy fixes: the rule that almost admits, the smallest verified edit, the deciding
admin tier; never a generated label, never a widened default-deny."""
import pytest
import yaml

from netdebug.diagnose.policy_fix import explain
from netdebug.manifests.loader import load
from netdebug.policy.engine import Endpoint, PolicyEngine
from netdebug.policy.near_miss import near_misses
from netdebug.policy.near_miss_edits import apply

BASE = """
apiVersion: v1
kind: Namespace
metadata: {name: payments, labels: {team: payments}}
---
apiVersion: v1
kind: Namespace
metadata: {name: partners, labels: {team: partners}}
---
apiVersion: v1
kind: Pod
metadata: {name: api-7d9f-abcde, namespace: payments,
           labels: {app: api, pod-template-hash: 7d9f, tier: backend}}
spec:
  containers:
  - {name: api, image: api, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-5c4-xyz12, namespace: payments, labels: {app: web, pod-template-hash: 5c4}}
spec: {containers: [{name: web, image: web}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client-6b8-qwert, namespace: partners, labels: {app: client, pod-template-hash: 6b8}}
spec: {containers: [{name: client, image: curl}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: payments}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""


def policy(name: str, rules: list, selector=None) -> str:
    spec = {"podSelector": {"matchLabels": selector or {"app": "api"}}, "policyTypes": ["Ingress"], "ingress": rules}
    return "---\n" + yaml.safe_dump({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                      "metadata": {"name": name, "namespace": "payments"}, "spec": spec})


def setup(tmp_path, *extra: str):
    (tmp_path / "objects.yaml").write_text(BASE + "".join(extra))
    snapshot = load([str(tmp_path)])
    engine = PolicyEngine(snapshot)
    pods = {p["metadata"]["name"].split("-")[0]: Endpoint.for_pod(p) for p in snapshot.of("Pod")}
    return engine, pods


def denial(engine, source, destination, port=8080, service_port=None):
    verdict = engine.check(source, destination, port, "TCP")
    assert not verdict.allowed
    side = verdict.ingress if not verdict.ingress.allowed else verdict.egress
    return explain(engine, side, source, destination, "TCP", verdict.port, service_port)


WEB = {"podSelector": {"matchLabels": {"app": "web"}}}


def test_service_port_instead_of_target_port_names_that_rule(tmp_path):
    engine, pods = setup(tmp_path, policy("a-allow-partners", [{"from": [{"namespaceSelector": {"matchLabels": {"team": "x"}}}],
                                                                 "ports": [{"port": 9999}]}]),
                         policy("api-from-web", [{"from": [WEB], "ports": [{"port": 80, "protocol": "TCP"}]}]))
    why = denial(engine, pods["web"], pods["api"], service_port=80)
    assert why.subject == "NetworkPolicy payments/api-from-web"  # not the alphabetically first policy
    assert "spec.ingress[0].ports[0].port: 80 -> 8080" in why.fix and "Service port 80" in why.fix


def test_namespace_selector_off_by_one_value(tmp_path):
    rule = {"from": [{"namespaceSelector": {"matchLabels": {"team": "partner"}},
                      "podSelector": {"matchLabels": {"app": "client"}}}], "ports": [{"port": 8080}]}
    engine, pods = setup(tmp_path, policy("api-from-partners", [rule]))
    why = denial(engine, pods["client"], pods["api"])
    assert why.subject == "NetworkPolicy payments/api-from-partners"
    assert "namespaceSelector.matchLabels.team: partner -> partners" in why.fix


def test_metadata_name_typo(tmp_path):
    rule = {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "partnres"}}}]}
    engine, pods = setup(tmp_path, policy("api-from-partners", [rule]))
    why = denial(engine, pods["client"], pods["api"])
    assert "matchLabels.kubernetes.io/metadata.name: partnres -> partners" in why.fix


def test_pod_selector_typo_on_a_selector_that_matches_nothing(tmp_path):
    engine, pods = setup(tmp_path, policy("api-from-web", [{"from": [{"podSelector": {"matchLabels": {"app": "webb"}}}]}]))
    why = denial(engine, pods["web"], pods["api"])
    assert "podSelector.matchLabels.app: webb -> web" in why.fix


def test_a_peer_that_admits_real_pods_is_not_retargeted(tmp_path):
    engine, pods = setup(tmp_path, policy("api-from-web", [{"from": [WEB], "ports": [{"port": 8080}]}]))
    why = denial(engine, pods["client"], pods["api"])
    assert "app: web" not in why.fix.split("append")[-1] and "append to spec.ingress[0].from" in why.fix
    assert "{podSelector: {matchLabels: {app: client}}, namespaceSelector: {matchLabels: " \
           "{kubernetes.io/metadata.name: partners}}}" in why.fix


def test_a_port_the_pod_serves_is_not_replaced(tmp_path):
    engine, pods = setup(tmp_path, policy("api-metrics", [{"from": [WEB], "ports": [{"port": 9090}]}]))
    why = denial(engine, pods["web"], pods["api"])
    assert "append to spec.ingress[0].ports: {protocol: TCP, port: 8080}" in why.fix


def test_generated_labels_are_removed_never_suggested(tmp_path):
    rule = {"from": [{"podSelector": {"matchLabels": {"app": "web", "pod-template-hash": "0ld"}}}]}
    engine, pods = setup(tmp_path, policy("api-from-web", [rule]))
    why = denial(engine, pods["web"], pods["api"])
    assert "remove spec.ingress[0].from[0].podSelector.matchLabels.pod-template-hash" in why.fix
    assert "5c4" not in why.fix


def test_only_default_deny_suggests_a_new_policy_with_stable_labels(tmp_path):
    engine, pods = setup(tmp_path)
    why = denial(engine, pods["client"], pods["api"])
    assert why.fix.startswith("add a NetworkPolicy in payments with podSelector {app: api, tier: backend}")
    assert "pod-template-hash" not in why.fix and "default-deny" not in why.fix and "-qwert" not in why.fix


ANP = """---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: no-partners}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {team: payments}}}
  ingress:
  - {name: monitoring, action: Allow, from: [{namespaces: {matchLabels: {team: monitoring}}}]}
  - {name: partners, action: Deny, from: [{namespaces: {matchLabels: {team: partners}}}]}
"""
ALLOW_ALL = policy("allow-everything", [{}])


def test_admin_deny_names_the_admin_rule_and_no_networkpolicy(tmp_path):
    engine, pods = setup(tmp_path, ANP, ALLOW_ALL)
    why = denial(engine, pods["client"], pods["api"])
    assert why.subject == "AdminNetworkPolicy no-partners" and "ingress rule 1 (Deny)" in why.reason
    assert "allow-everything" not in why.fix and "cluster admin" in why.fix


BANP = """---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - {name: deny-other-namespaces, action: Deny, from: [{namespaces: {matchLabels: {team: partners}}}]}
"""


def test_baseline_deny_says_a_networkpolicy_overrides_it(tmp_path):
    (tmp_path / "objects.yaml").write_text(BASE.split("---\napiVersion: networking.k8s.io/v1")[0] + BANP)
    snapshot = load([str(tmp_path)])
    engine = PolicyEngine(snapshot)
    pods = {p["metadata"]["name"].split("-")[0]: Endpoint.for_pod(p) for p in snapshot.of("Pod")}
    why = denial(engine, pods["client"], pods["api"])
    assert why.subject == "BaselineAdminNetworkPolicy default" and "NetworkPolicy selecting it overrides" in why.fix
    assert "{app: api, tier: backend}" in why.fix


@pytest.mark.parametrize("port", [8080, 9090])
def test_every_suggested_patch_admits_when_applied(tmp_path, port):
    rules = [{"from": [{"namespaceSelector": {"matchLabels": {"team": "partner"}}}], "ports": [{"port": 80}]},
             {"from": [WEB, {"podSelector": {"matchLabels": {"app": "clients"}}}]}]
    engine, pods = setup(tmp_path, policy("mixed", rules))
    misses = near_misses(engine, pods["client"], pods["api"], "ingress", "TCP", port, 80)
    assert misses
    for miss in misses:
        patched = apply(engine.policy(miss.policy).source, miss.edits)
        snapshot = engine.snapshot
        snapshot.objects["NetworkPolicy"] = [patched if p["metadata"]["name"] == "mixed" else p
                                             for p in snapshot.of("NetworkPolicy")]
        assert PolicyEngine(snapshot).check(pods["client"], pods["api"], port, "TCP").allowed
        snapshot.objects["NetworkPolicy"] = [engine.policy(miss.policy).source if p is patched else p
                                             for p in snapshot.of("NetworkPolicy")]


def test_an_egress_port_its_peers_serve_is_kept_a_dead_one_corrected(tmp_path):
    def egress(port):
        spec = {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "api"}}}], "ports": [{"port": port}]}]}
        return "---\n" + yaml.safe_dump({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                          "metadata": {"name": "web-egress", "namespace": "payments"}, "spec": spec})
    allow_in = policy("api-in", [{}])
    engine, pods = setup(tmp_path, egress(9090), allow_in)
    assert "append to spec.egress[0].ports: {protocol: TCP, port: 8080}" in denial(engine, pods["web"], pods["api"]).fix
    engine, pods = setup(tmp_path, egress(8081), allow_in)
    assert "spec.egress[0].ports[0].port: 8081 -> 8080" in denial(engine, pods["web"], pods["api"]).fix


@pytest.mark.parametrize("seed", range(1, 9))
def test_random_clusters_every_denial_is_explained_and_every_patch_admits(seed):
    """Seeded random clusters (tests/policy/randomized): for every denied pod pair and port, explain()
    answers without error, and each near miss, applied, makes that side admit the connection."""
    from .randomized import random_cluster

    snapshot = random_cluster(seed)
    engine = PolicyEngine(snapshot)
    endpoints = [Endpoint.for_pod(p) for p in snapshot.of("Pod")]
    explained = 0
    for source in endpoints:
        for destination in endpoints:
            for port in (80, 8080):
                verdict = engine.check(source, destination, port, "TCP")
                for side in (s for s in (verdict.egress, verdict.ingress) if not s.allowed and not s.cni_defined):
                    assert explain(engine, side, source, destination, "TCP", port).fix
                    explained += 1
                    for miss in near_misses(engine, source, destination, side.direction, "TCP", port):
                        assert _admits(engine, miss, source, destination, port)
    assert explained > 0


def _admits(engine, miss, source, destination, port) -> bool:
    original = engine.policy(miss.policy).source
    patched = apply(original, miss.edits)
    snapshot = type(engine.snapshot)(engine.snapshot.origin, dict(engine.snapshot.objects))
    snapshot.objects["NetworkPolicy"] = [patched if p is original else p for p in snapshot.of("NetworkPolicy")]
    check = PolicyEngine(snapshot).check(source, destination, port, "TCP")
    return (check.egress if miss.direction == "egress" else check.ingress).allowed


def test_a_pod_without_stable_labels_is_not_selected_by_an_empty_selector_silently(tmp_path):
    bare = """---
apiVersion: v1
kind: Pod
metadata: {name: job-x1, namespace: partners, labels: {controller-uid: abc, job-name: x}}
spec: {containers: [{name: job, image: curl}]}
"""
    engine, pods = setup(tmp_path, bare)
    why = denial(engine, pods["job"], pods["api"])
    assert why.fix.startswith("first give partners/job-x1 a label that survives a rollout")
    assert "abc" not in why.fix and "job-name" not in why.fix


def test_egress_to_an_ipv6_address_suggests_a_128_block(tmp_path):
    deny_egress = """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress, namespace: payments}
spec: {podSelector: {}, policyTypes: [Egress]}
"""
    engine, pods = setup(tmp_path, deny_egress)
    outside = Endpoint.for_ip("2001:db8::10")
    verdict = engine.check(pods["web"], outside, 443, "TCP")
    why = explain(engine, verdict.egress, pods["web"], outside, "TCP", 443)
    assert why.fix.endswith("to ipBlock 2001:db8::10/128")


ANP_TYPO = """---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: partners-in}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {team: payments}}}
  ingress:
  - {name: partners-allowed, action: Allow, from: [{namespaces: {matchLabels: {team: partnres}}}]}
  - {name: nobody-else, action: Deny, from: [{namespaces: {}}]}
"""


def test_an_admin_allow_rule_with_a_typo_is_the_admin_fix(tmp_path):
    engine, pods = setup(tmp_path, ANP_TYPO, ALLOW_ALL)
    why = denial(engine, pods["client"], pods["api"])
    assert why.subject == "AdminNetworkPolicy partners-in" and "ingress rule 1 (Deny)" in why.reason
    assert "ingress rule 0 almost admits it" in why.fix
    assert "spec.ingress[0].from[0].namespaces.matchLabels.team: partnres -> partners" in why.fix
    assert "allow-everything" not in why.fix
