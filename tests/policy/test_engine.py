"""Engine semantics, one behaviour per test, on tiny hand-built clusters."""
import pytest

from netdebug.errors import InputError
from netdebug.policy.engine import Endpoint, PolicyEngine, RuleRef

from .cluster import namespace, pod, policy, snapshot

WEB = pod("shop", "web", {"app": "web"}, ip="10.0.0.1")
API = pod("shop", "api", {"app": "api"}, ip="10.0.0.2", ports=[("http", 8080, "TCP"), ("dns", 53, "UDP")])
OTHER = pod("other", "tool", {"app": "tool"}, ip="10.0.1.1")
NAMESPACES = [namespace("shop", {"team": "shop"}), namespace("other", {"team": "ops"})]


def engine(*policies, pods=(WEB, API, OTHER)):
    return PolicyEngine(snapshot(*NAMESPACES, *pods, *policies))


def check(eng, src, dst, port=8080, protocol="TCP"):
    return eng.check(Endpoint.for_pod(src), Endpoint.for_pod(dst), port=port, protocol=protocol)


def test_no_policy_allows_everything_and_is_not_isolated():
    v = check(engine(), WEB, API)
    assert v.allowed and not v.ingress.isolated and not v.egress.isolated
    assert v.ingress.rules == [] and v.ingress.policies == []


def test_ingress_absent_with_default_types_denies_all_ingress():
    eng = engine(policy("shop", "deny", {"podSelector": {}}))
    v = check(eng, WEB, API)
    assert not v.allowed and v.ingress.isolated and v.ingress.policies == ["shop/deny"]
    assert not v.egress.isolated and v.egress.allowed


def test_empty_rule_allows_all_and_empty_from_list_means_all_sources():
    for rule in ({}, {"from": []}, {"from": [], "ports": []}):
        eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [rule]}))
        v = check(eng, OTHER, API)
        assert v.allowed, rule
        assert v.ingress.rules == [RuleRef("shop/p", "NetworkPolicy", "ingress", 0, None, None)]


def test_empty_ingress_list_denies():
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": []}))
    assert not check(eng, WEB, API).allowed


def test_pod_selector_alone_means_policy_namespace_only():
    eng = engine(policy("shop", "p", {"podSelector": {"matchLabels": {"app": "api"}},
                                      "ingress": [{"from": [{"podSelector": {}}]}]}))
    assert check(eng, WEB, API).allowed
    assert not check(eng, OTHER, API).allowed


def test_namespace_and_pod_selector_in_one_peer_is_and_separate_peers_is_or():
    both = {"namespaceSelector": {"matchLabels": {"team": "ops"}}, "podSelector": {"matchLabels": {"app": "web"}}}
    eng = engine(policy("shop", "and", {"podSelector": {}, "ingress": [{"from": [both]}]}))
    assert not check(eng, OTHER, API).allowed and not check(eng, WEB, API).allowed
    either = [{"namespaceSelector": {"matchLabels": {"team": "ops"}}}, {"podSelector": {"matchLabels": {"app": "web"}}}]
    eng = engine(policy("shop", "or", {"podSelector": {}, "ingress": [{"from": either}]}))
    v = check(eng, OTHER, API)
    assert v.allowed and v.ingress.rules[0].peer == 0
    v = check(eng, WEB, API)
    assert v.allowed and v.ingress.rules[0].peer == 1


def test_match_expressions_on_pods_and_namespaces():
    peer = {"namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "NotIn", "values": ["shop"]}]},
            "podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}}
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [{"from": [peer]}]}))
    assert check(eng, OTHER, API).allowed and not check(eng, WEB, API).allowed


def test_policy_types_egress_only_leaves_ingress_open_and_order_does_not_matter():
    eng = engine(policy("shop", "p", {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"]}))
    v = check(eng, WEB, API)
    assert not v.allowed and v.egress.isolated and not v.ingress.isolated
    assert check(eng, API, WEB).allowed
    eng = engine(policy("shop", "p", {"podSelector": {}, "policyTypes": ["Egress", "Ingress"]}))
    v = check(eng, WEB, API)
    assert v.egress.isolated and v.ingress.isolated


def test_egress_rules_imply_egress_type():
    eng = engine(policy("shop", "p", {"podSelector": {"matchLabels": {"app": "web"}},
                                      "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}))
    assert not check(eng, WEB, API).allowed
    assert check(eng, WEB, API, port=53, protocol="UDP").allowed
    assert check(eng, WEB, API, port=53, protocol="UDP").ingress.isolated is False
    assert not check(eng, OTHER, WEB).allowed, "Ingress is implied too"


def test_both_sides_must_allow():
    deny_egress = policy("other", "deny-egress", {"podSelector": {}, "policyTypes": ["Egress"]})
    allow_in = policy("shop", "allow", {"podSelector": {}, "ingress": [{}]})
    v = check(engine(deny_egress, allow_in), OTHER, API)
    assert not v.allowed and not v.egress.allowed and v.ingress.allowed


def test_union_of_policies_selecting_a_pod():
    first = policy("shop", "a", {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]})
    second = policy("shop", "b", {"podSelector": {"matchLabels": {"app": "api"}}, "ingress": [{"ports": [{"port": 8080}]}]})
    eng = engine(first, second)
    assert str(eng.allowed_connections(Endpoint.for_pod(WEB), Endpoint.for_pod(API))) == "TCP 80,8080"
    assert str(eng.allowed_connections(Endpoint.for_pod(API), Endpoint.for_pod(WEB))) == "TCP 80"
    v = check(eng, WEB, API)
    assert v.ingress.policies == ["shop/a", "shop/b"] and [r.policy for r in v.ingress.rules] == ["shop/b"]


def test_port_ranges_and_protocols():
    rule = {"ports": [{"port": 8000, "endPort": 8100}, {"protocol": "UDP"}, {"protocol": "SCTP", "port": 9}]}
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [rule]}))
    assert check(eng, WEB, API, 8100).allowed and not check(eng, WEB, API, 8101).allowed
    assert check(eng, WEB, API, 1, "UDP").allowed and check(eng, WEB, API, 9, "SCTP").allowed
    assert not check(eng, WEB, API, 9, "TCP").allowed
    assert check(eng, WEB, API, 8050).ingress.rules[0].port == 0
    assert check(eng, WEB, API, 7, "UDP").ingress.rules[0].port == 1
    assert str(eng.allowed_connections(Endpoint.for_pod(WEB), Endpoint.for_pod(API))) == "TCP 8000-8100;UDP all;SCTP 9"


def test_named_ports_resolve_on_destination_and_are_protocol_aware():
    ingress = policy("shop", "in", {"podSelector": {}, "ingress": [{"ports": [{"port": "http"}, {"port": "dns"}]}]})
    eng = engine(ingress)
    assert check(eng, WEB, API, 8080).allowed
    assert check(eng, WEB, API, "http").port == 8080
    assert not check(eng, WEB, API, 53, "UDP").allowed, "dns is UDP but the rule's protocol is TCP"
    assert not check(eng, API, WEB, 8080).allowed, "web defines no port named http"
    egress = policy("shop", "out", {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Egress"],
                                    "egress": [{"ports": [{"port": "dns", "protocol": "UDP"}]}]})
    eng = engine(egress)
    assert check(eng, WEB, API, 53, "UDP").allowed
    assert not check(eng, WEB, OTHER, 53, "UDP").allowed
    with pytest.raises(InputError, match="no container port named 'nope'"):
        check(eng, WEB, API, "nope")


def test_ipblock_matches_pods_by_ip_with_except():
    block = {"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.1.0/24"]}}
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [{"from": [block]}]}))
    assert check(eng, WEB, API).allowed
    assert not check(eng, OTHER, API).allowed
    assert eng.check(Endpoint.for_ip("10.0.9.9"), Endpoint.for_pod(API), 80).allowed
    assert not eng.check(Endpoint.for_ip("10.0.1.9"), Endpoint.for_pod(API), 80).allowed
    assert not eng.check(Endpoint.for_ip("fd00::1"), Endpoint.for_pod(API), 80).allowed


def test_ipblock_ipv6_and_dual_stack_pod():
    dual = pod("other", "dual", {"app": "d"}, ips=["10.9.0.1", "fd00:1::5"])
    block = {"ipBlock": {"cidr": "fd00:1::/64", "except": ["fd00:1::/120"]}}
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [{"from": [block]}]}), pods=(dual, API))
    assert not check(eng, dual, API).allowed
    assert eng.check(Endpoint.for_ip("fd00:1::1:0"), Endpoint.for_pod(API), 80).allowed
    block["ipBlock"]["except"] = []
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [{"from": [block]}]}), pods=(dual, API))
    assert check(eng, dual, API).allowed


def test_external_side_is_not_evaluated():
    eng = engine(policy("shop", "deny", {"podSelector": {}, "policyTypes": ["Egress"]}))
    v = eng.check(Endpoint.for_pod(WEB), Endpoint.for_ip("203.0.113.9"), 443)
    assert not v.allowed and v.ingress.pod is None and v.ingress.to_dict()["evaluated"] is False


def test_host_network_pod_is_cni_defined_and_not_isolated():
    host = pod("shop", "node-agent", {"app": "api"}, ip="192.0.2.1", host_network=True)
    eng = engine(policy("shop", "deny", {"podSelector": {}}), pods=(WEB, host))
    v = check(eng, WEB, host)
    assert v.ingress.cni_defined and not v.ingress.isolated and v.allowed


def test_selecting_and_pods_selected_by():
    eng = engine(policy("shop", "p", {"podSelector": {"matchLabels": {"app": "api"}}, "egress": [{}]}))
    assert eng.selecting(API) == [("shop/p", ("Ingress", "Egress"))]
    assert eng.selecting(WEB) == []
    assert [p["metadata"]["name"] for p in eng.pods_selected_by("shop/p")] == ["api"]


@pytest.mark.parametrize("spec,problem", [
    ({"ingress": [{"ports": [{"port": 80, "endPort": 70}]}]}, "endPort 70 < port 80"),
    ({"ingress": [{"ports": [{"port": "http", "endPort": 90}]}]}, "endPort 90 cannot be used with named port"),
    ({"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}, "invalid CIDR"),
    ({"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.1.0.0/24"]}}]}]}, "not inside cidr"),
    ({"ingress": [{"from": [{"podSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}]}]}, "needs values"),
    ({"ingress": [{"ports": [{"protocol": "ICMP"}]}]}, "unknown protocol"),
    ({"ingress": [{"from": [{}]}]}, "needs podSelector"),
])
def test_invalid_policies_are_reported_and_ignored(spec, problem):
    eng = engine(policy("shop", "bad", {"podSelector": {}, **spec}))
    assert len(eng.problems) == 1 and eng.problems[0].startswith("shop/bad: ") and problem in eng.problems[0]
    assert check(eng, WEB, API).allowed, "an invalid policy is not in effect"


def test_verdict_to_dict_is_json_ready():
    import json
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}], "ports": [{"port": 8080}]}]}))
    data = check(eng, WEB, API).to_dict()
    json.dumps(data)
    assert data["allowed"] and data["ingress"]["rules"] == [
        {"policy": "shop/p", "kind": "NetworkPolicy", "direction": "ingress", "rule": 0, "peer": 0, "port": 0}]


def test_a_pod_can_always_reach_itself():
    eng = engine(policy("shop", "deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}))
    v = check(eng, API, API)
    assert v.allowed and v.ingress.loopback and v.ingress.isolated and v.ingress.rules == []
    assert not check(eng, WEB, API).allowed


@pytest.mark.parametrize("spec,problem", [
    ({"podSelector": {"matchLabels": {"app": 1}}}, "podSelector: label 'app': value 1 is not a string"),
    ({"podSelector": [], "ingress": []}, "podSelector: must be an object"),
    ({"podSelector": {}, "policyTypes": "Ingress"}, "policyTypes must be a list"),
    ({"podSelector": {}, "ingress": {}}, "ingress: must be a list"),
    ({"podSelector": {}, "ingress": [{"from": {}}]}, "ingress rule 0: from must be a list"),
    ({"podSelector": {}, "egress": [{"ports": [5]}]}, "egress rule 0 port 0: must be an object"),
    ({"podSelector": {"matchExpressions": {"key": "a"}}}, "matchExpressions a list of objects"),
])
def test_malformed_policies_are_problems_not_crashes(spec, problem):
    eng = engine(policy("shop", "bad", spec))
    assert len(eng.problems) == 1 and problem in eng.problems[0], eng.problems


def test_null_rules_and_ports_decode_as_empty_objects():
    """As in the API (a JSON null in a list of structs is the zero struct): allow all / all TCP ports."""
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [None]}))
    assert eng.problems == [] and check(eng, OTHER, API, 9, "UDP").allowed
    eng = engine(policy("shop", "p", {"podSelector": {}, "ingress": [{"ports": [None]}]}))
    assert check(eng, OTHER, API, 9).allowed and not check(eng, OTHER, API, 9, "UDP").allowed
