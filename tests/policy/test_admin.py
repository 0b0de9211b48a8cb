"""Admin tiers: AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy
(v1alpha2) evaluated with NetworkPolicies; cases derived from the published API semantics:
admin tier -> NetworkPolicy -> baseline tier -> default allow."""
import pytest

from netdebug.policy.engine import Endpoint, PolicyEngine
from netdebug.policy.matrix import compute

from .cluster import e2e_model, pod, policy, snapshot

V1A1 = "policy.networking.k8s.io/v1alpha1"


def anp(name, priority, subject, ingress=(), egress=()):
    return {"apiVersion": V1A1, "kind": "AdminNetworkPolicy", "metadata": {"name": name},
            "spec": {"priority": priority, "subject": subject, "ingress": list(ingress), "egress": list(egress)}}


def banp(subject, ingress=(), egress=(), name="default"):
    return {"apiVersion": V1A1, "kind": "BaselineAdminNetworkPolicy", "metadata": {"name": name},
            "spec": {"subject": subject, "ingress": list(ingress), "egress": list(egress)}}


def cnp(name, tier, priority, subject, ingress=(), egress=()):
    return {"apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy",
            "metadata": {"name": name}, "spec": {"tier": tier, "priority": priority, "subject": subject,
                                                  "ingress": list(ingress), "egress": list(egress)}}


def ns(name):
    return {"namespaces": {"matchLabels": {"ns": name}}}


def pods_in(namespace, pod_name):
    return {"pods": {"namespaceSelector": {"matchLabels": {"ns": namespace}}, "podSelector": {"matchLabels": {"pod": pod_name}}}}


ALL_NS = {"namespaces": {}}
NP_DENY_X = policy("x", "deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
NP_ALLOW_X = policy("x", "allow", {"podSelector": {}, "ingress": [{}]})


def engine(*objs):
    snap = snapshot(*e2e_model(), *objs)
    eng = PolicyEngine(snap)
    assert eng.problems == []
    return eng, {f"{p['metadata']['namespace']}/{p['metadata']['name']}": Endpoint.for_pod(p) for p in snap.of("Pod")}


def verdict(objs, src, dst, port=80, protocol="TCP"):
    eng, pods = engine(*objs)
    return eng.check(pods[src], pods[dst], port, protocol)


def test_admin_deny_overrides_a_networkpolicy_allow():
    deny = anp("deny-y-to-x", 10, ns("x"), ingress=[{"name": "no-y", "action": "Deny", "from": [ns("y")]}])
    v = verdict([NP_ALLOW_X, deny], "y/a", "x/a")
    assert not v.allowed and v.ingress.tier == "admin"
    assert v.ingress.rules[0].to_dict() == {"policy": "deny-y-to-x", "kind": "AdminNetworkPolicy",
                                            "direction": "ingress", "rule": 0, "peer": 0, "port": None,
                                            "action": "deny"}
    assert verdict([NP_ALLOW_X, deny], "z/a", "x/a").ingress.tier == "networkpolicy"


def test_admin_allow_overrides_a_networkpolicy_deny():
    allow = anp("allow-y", 10, ns("x"), ingress=[{"action": "Allow", "from": [ns("y")]}])
    assert verdict([NP_DENY_X, allow], "y/b", "x/c").allowed
    v = verdict([NP_DENY_X, allow], "z/b", "x/c")
    assert not v.allowed and v.ingress.tier == "networkpolicy"


def test_pass_hands_over_to_networkpolicy_then_baseline():
    passing = anp("pass-y", 5, ns("x"), ingress=[{"action": "Pass", "from": [ns("y")]}])
    deny_all = anp("deny-all", 50, ns("x"), ingress=[{"action": "Deny", "from": [ALL_NS]}])
    v = verdict([passing, deny_all, NP_ALLOW_X], "y/a", "x/a")
    assert v.allowed and v.ingress.tier == "networkpolicy", "passed to the NetworkPolicy that allows"
    assert not verdict([passing, deny_all, NP_ALLOW_X], "z/a", "x/a").allowed, "lower-priority admin deny"
    baseline_deny = banp(ns("x"), ingress=[{"action": "Deny", "from": [ns("y")]}])
    v = verdict([passing, baseline_deny], "y/a", "x/a")
    assert not v.allowed and v.ingress.tier == "baseline"


def test_priority_lower_number_first_and_rule_order_within_a_policy():
    early = anp("early", 1, ns("x"), ingress=[{"action": "Allow", "from": [pods_in("y", "a")]},
                                              {"action": "Deny", "from": [ns("y")]}])
    late = anp("late", 2, ns("x"), ingress=[{"action": "Allow", "from": [ALL_NS]}])
    assert verdict([early, late], "y/a", "x/a").allowed
    v = verdict([early, late], "y/b", "x/a")
    assert not v.allowed and v.ingress.rules[0].rule == 1
    assert verdict([early, late], "z/b", "x/a").allowed


def test_baseline_applies_only_to_pods_no_networkpolicy_selects():
    baseline_deny = banp(ALL_NS, ingress=[{"action": "Deny", "from": [ALL_NS]}])
    v = verdict([baseline_deny], "y/a", "z/a")
    assert not v.allowed and v.ingress.tier == "baseline"
    v = verdict([baseline_deny, NP_ALLOW_X], "y/a", "x/a")
    assert v.allowed and v.ingress.tier == "networkpolicy"


def test_default_allow_when_no_tier_decides():
    unrelated = anp("only-z", 3, ns("z"), ingress=[{"action": "Deny", "from": [ALL_NS]}])
    v = verdict([unrelated], "x/a", "y/a")
    assert v.allowed and v.ingress.tier == "default" and v.egress.tier == "default"


def test_ports_port_ranges_and_named_ports():
    deny_80 = anp("deny-80", 1, ns("x"), ingress=[
        {"action": "Deny", "from": [ALL_NS], "ports": [{"portNumber": {"protocol": "TCP", "port": 80}}]},
        {"action": "Deny", "from": [ALL_NS], "ports": [{"portRange": {"protocol": "UDP", "start": 80, "end": 81}}]},
        {"action": "Deny", "from": [ALL_NS], "ports": [{"namedPort": "serve-81-sctp"}]}])
    objs = [deny_80, NP_ALLOW_X]
    assert not verdict(objs, "y/a", "x/a", 80).allowed
    assert verdict(objs, "y/a", "x/a", 81).allowed
    assert not verdict(objs, "y/a", "x/a", 81, "UDP").allowed
    v = verdict(objs, "y/a", "x/a", 81, "SCTP")
    assert not v.allowed and v.ingress.rules[0].rule == 2 and v.ingress.rules[0].port == 0
    assert verdict(objs, "y/a", "x/a", 80, "SCTP").allowed
    eng, pods = engine(*objs)
    assert str(eng.allowed_connections(pods["y/a"], pods["x/a"])) == "TCP 1-79,81-65535;UDP 1-79,82-65535;SCTP 1-80,82-65535"


def test_egress_to_networks_covers_pod_ips_and_nodes_peer():
    deny_out = anp("no-internet", 1, pods_in("x", "a"), egress=[
        {"action": "Allow", "to": [ns("x")]},
        {"action": "Deny", "to": [{"networks": ["0.0.0.0/0"]}]}])
    eng, pods = engine(deny_out)
    assert eng.check(pods["x/a"], pods["x/b"], 80).allowed
    v = eng.check(pods["x/a"], pods["y/b"], 80)
    assert not v.allowed and v.egress.tier == "admin" and v.egress.rules[0].rule == 1
    assert not eng.check(pods["x/a"], Endpoint.for_ip("198.51.100.7"), 443).allowed
    node = {"kind": "Node", "metadata": {"name": "n1", "labels": {"role": "infra"}},
            "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.9"}]}}
    to_nodes = anp("no-nodes", 1, ALL_NS, egress=[{"action": "Deny", "to": [{"nodes": {"matchLabels": {"role": "infra"}}}]}])
    eng, pods = engine(node, to_nodes)
    assert not eng.check(pods["y/a"], Endpoint.for_ip("172.18.0.9"), 10250).allowed
    assert eng.check(pods["y/a"], Endpoint.for_ip("172.18.0.10"), 10250).allowed


def test_cluster_network_policy_v1alpha2_tiers_and_protocols():
    admin = cnp("admin-deny", "Admin", 10, ns("x"), ingress=[
        {"action": "Accept", "from": [pods_in("y", "a")], "protocols": [{"tcp": {"destinationPort": {"number": 80}}}]},
        {"action": "Deny", "from": [ns("y")], "protocols": [{"tcp": {"destinationPort": {"range": {"start": 80, "end": 81}}}}]},
        {"action": "Pass", "from": [ns("z")]}])
    baseline = cnp("baseline", "Baseline", 10, ALL_NS, ingress=[
        {"action": "Deny", "from": [ALL_NS], "protocols": [{"destinationNamedPort": "serve-80-udp"}]}])
    eng, pods = engine(admin, baseline, NP_DENY_X)
    assert eng.check(pods["y/a"], pods["x/a"], 80).allowed, "Accept before the NetworkPolicy deny"
    v = eng.check(pods["y/b"], pods["x/a"], 81)
    assert not v.allowed and v.ingress.rules[0].kind == "ClusterNetworkPolicy" and v.ingress.rules[0].rule == 1
    v = eng.check(pods["z/a"], pods["x/a"], 80)
    assert not v.allowed and v.ingress.tier == "networkpolicy", "Pass, then the NetworkPolicy deny"
    v = eng.check(pods["x/a"], pods["y/a"], 80, "UDP")
    assert not v.allowed and v.ingress.tier == "baseline"
    assert eng.check(pods["x/a"], pods["y/a"], 81, "UDP").allowed


def test_host_network_pods_are_not_subjects_or_pod_peers():
    host = pod("x", "node-agent", {"pod": "agent"}, ip="172.18.0.2", host_network=True)
    deny = anp("deny-x", 1, ns("x"), ingress=[{"action": "Deny", "from": [ALL_NS]}])
    eng, pods = engine(host, deny)
    agent = Endpoint.for_pod(host)
    assert eng.check(pods["y/a"], agent, 80).allowed, "not a subject"
    assert eng.check(agent, pods["y/a"], 80).allowed
    assert not eng.check(pods["y/a"], pods["x/a"], 80).allowed


def test_matrix_with_admin_tiers_equals_pairwise():
    objs = [anp("a", 1, ns("x"), ingress=[{"action": "Deny", "from": [pods_in("y", "b")]},
                                          {"action": "Pass", "from": [ns("z")]}]),
            banp(ALL_NS, ingress=[{"action": "Deny", "from": [ns("z")]}]), NP_DENY_X]
    eng, _ = engine(*objs)
    snap = eng.snapshot
    matrix = compute(eng, snap.of("Pod"))
    endpoints = [Endpoint.for_pod(p) for p in matrix.pods]
    for i, j, connections in matrix.pairs():
        assert connections == eng.allowed_connections(endpoints[i], endpoints[j])
    refs = matrix.refs()
    assert str(matrix.connections(refs.index("z/a"), refs.index("y/a"))) == "none"
    assert str(matrix.connections(refs.index("y/a"), refs.index("z/a"))) == "all"


@pytest.mark.parametrize("obj,problem", [
    (anp("p", 1001, ALL_NS), "priority 1001 is not in 0-1000"),
    (banp(ALL_NS, name="other"), "must be named default"),
    (cnp("c", "Middle", 1, ALL_NS), "tier 'Middle'"),
    (anp("p", 1, ALL_NS, ingress=[{"action": "Accept", "from": [ALL_NS]}]), "action 'Accept' is not one of Allow"),
    (banp(ALL_NS, ingress=[{"action": "Pass", "from": [ALL_NS]}]), "action 'Pass'"),
    (anp("p", 1, ALL_NS, egress=[{"action": "Deny", "to": [{"networks": ["10.0.0.0/40"]}]}]), "invalid CIDR"),
    (anp("p", 1, ALL_NS, ingress=[{"action": "Deny", "from": []}]), "from needs at least one peer"),
    (anp("p", 1, ALL_NS, ingress=[{"action": "Deny", "from": [ALL_NS],
                                   "ports": [{"portRange": {"protocol": "TCP", "start": 90, "end": 80}}]}]),
     "port range start 90 must be below end 80"),
    (anp("p", "x", ALL_NS), "priority 'x' is not in 0-1000"),
    (anp("p", 1, ALL_NS, ingress=[None]), "ingress rule 0: must be an object"),
    (anp("p", 1, ALL_NS, ingress=[{"action": "Deny", "from": [None]}]), "peer 0: needs exactly one of namespaces, pods"),
    (anp("p", 1, ALL_NS, ingress=[{"action": "Deny", "from": [ALL_NS], "ports": [{"portNumber": None}]}]),
     "portNumber must be an object"),
    (anp("p", 1, {"namespaces": {}, "pods": {"podSelector": {}}}), "subject: needs exactly one of namespaces, pods"),
    (cnp("c", "Admin", 1, ALL_NS, egress=[{"action": "Deny", "to": [ALL_NS], "protocols": [{"tcp": {"destinationPort": {"number": 0}}}]}]),
     "port 0 is not in 1-65535"),
])
def test_invalid_admin_policies_are_reported(obj, problem):
    eng = PolicyEngine(snapshot(*e2e_model(), obj))
    assert len(eng.problems) == 1 and problem in eng.problems[0], eng.problems
