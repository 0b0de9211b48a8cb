"""Istio AuthorizationPolicy evaluation, from the documented semantics (istio.io, Authorization Policy
reference): CUSTOM, then DENY, then ALLOW; `{}` as ALLOW denies all; `rules: [{}]` allows all; principals
and namespaces only with mesh mutual TLS; what depends on the HTTP request is unknown, never a match."""
import pytest

from netdebug.policy import istio_authz
from netdebug.policy.mesh_match import MeshClient

POD = {"kind": "Pod", "metadata": {"name": "api-1", "namespace": "shop", "labels": {"app": "api"}}}
MESHED = MeshClient("shop/web", "10.0.0.5", "shop", "web", "Istio")
PLAIN = MeshClient("shop/job", "10.0.0.6", "shop", "job", None)
OUTSIDE = MeshClient(None, None, None, None, None)
WEB = "cluster.local/ns/shop/sa/web"


def policy(spec, name="p", namespace="shop", version="v1"):
    return {"apiVersion": f"security.istio.io/{version}", "kind": "AuthorizationPolicy",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def allow_from(**source):
    return {"action": "ALLOW", "rules": [{"from": [{"source": source}]}]}


def outcome(policies, client=MESHED, port=8080):
    decision = istio_authz.evaluate(policies, POD, port, client)
    return decision.outcome if decision else None


@pytest.mark.parametrize("spec,client,expected", [
    ({}, MESHED, "denied"),  # an empty ALLOW policy denies every request
    ({"rules": [{}]}, PLAIN, "allowed"),  # one empty rule matches everything, even without mTLS
    ({"action": "DENY"}, MESHED, "allowed"),  # a DENY policy without rules denies nothing
    ({"action": "DENY", "rules": [{}]}, MESHED, "denied"),
    ({"action": "AUDIT", "rules": [{}]}, MESHED, "allowed"),  # AUDIT decides nothing
    (allow_from(principals=[WEB]), MESHED, "allowed"),
    (allow_from(principals=[WEB]), PLAIN, "denied"),  # no mTLS: no principal
    (allow_from(principals=["*"]), MESHED, "allowed"),  # any authenticated client
    (allow_from(principals=["*"]), PLAIN, "denied"),
    (allow_from(principals=["cluster.local/ns/shop/*"]), MESHED, "allowed"),  # prefix match
    (allow_from(principals=["*/sa/web"]), MESHED, "allowed"),  # suffix match
    (allow_from(principals=["cluster.local/ns/shop/sa/other"]), MESHED, "denied"),
    (allow_from(namespaces=["shop"]), MESHED, "allowed"),
    (allow_from(namespaces=["shop"]), PLAIN, "denied"),  # the namespace comes from the peer certificate
    (allow_from(notNamespaces=["shop"]), MESHED, "denied"),
    (allow_from(notPrincipals=[WEB]), PLAIN, "allowed"),  # no principal is not the listed one
    (allow_from(ipBlocks=["10.0.0.0/24"]), PLAIN, "allowed"),  # addresses work without mTLS
    (allow_from(ipBlocks=["10.0.0.5"]), PLAIN, "denied"),
    (allow_from(notIpBlocks=["10.0.0.6"]), PLAIN, "denied"),
    (allow_from(ipBlocks=["10.0.0.0/24"]), OUTSIDE, "unknown"),  # the address of an outside client is unknown
    (allow_from(requestPrincipals=["*"]), MESHED, "unknown"),  # the JWT is not known
    (allow_from(principals=[WEB], namespaces=["other"]), MESHED, "denied"),  # fields of a source are ANDed
    ({"rules": [{"from": [{"source": {"principals": ["x"]}}, {"source": {"namespaces": ["shop"]}}]}]},
     MESHED, "allowed"),  # sources are ORed
])
def test_one_policy(spec, client, expected):
    assert outcome([policy(spec)], client) == expected


@pytest.mark.parametrize("operation,expected", [
    ({"ports": ["8080"]}, "allowed"), ({"ports": ["9090"]}, "denied"), ({"notPorts": ["8080"]}, "denied"),
    ({"methods": ["GET"]}, "unknown"), ({"paths": ["/api/*"]}, "unknown"), ({"hosts": ["api.shop"]}, "unknown"),
    ({"ports": ["9090"], "methods": ["GET"]}, "denied"),  # a False beats an unknown in the same operation
])
def test_operations(operation, expected):
    spec = {"rules": [{"to": [{"operation": operation}]}]}
    assert outcome([policy(spec)]) == expected


@pytest.mark.parametrize("condition,client,expected", [
    ({"key": "source.namespace", "values": ["shop"]}, MESHED, "allowed"),
    ({"key": "source.namespace", "values": ["shop"]}, PLAIN, "denied"),
    ({"key": "source.principal", "notValues": [WEB]}, MESHED, "denied"),
    ({"key": "source.ip", "values": ["10.0.0.0/8"]}, PLAIN, "allowed"),
    ({"key": "destination.port", "values": ["8080"]}, MESHED, "allowed"),
    ({"key": "request.headers[x-user]", "values": ["admin"]}, MESHED, "unknown"),
])
def test_when(condition, client, expected):
    assert outcome([policy({"rules": [{"when": [condition]}]})], client) == expected


def test_order_custom_then_deny_then_allow():
    allow_all = policy({"rules": [{}]}, "allow-all")
    deny_web = policy({"action": "DENY", "rules": [{"from": [{"source": {"principals": [WEB]}}]}]}, "deny-web")
    decision = istio_authz.evaluate([allow_all, deny_web], POD, 8080, MESHED)
    assert (decision.outcome, decision.decided_by, decision.rule) == ("denied", "AuthorizationPolicy shop/deny-web", 0)
    custom = policy({"action": "CUSTOM", "provider": {"name": "opa"}, "rules": [{}]}, "ext")
    assert istio_authz.evaluate([custom, deny_web], POD, 8080, MESHED).why == "custom-authorizer"


def test_any_allow_policy_admits():
    only_other = policy(allow_from(principals=["x"]), "a")
    web = policy(allow_from(principals=[WEB]), "b")
    decision = istio_authz.evaluate([only_other, web], POD, 8080, MESHED)
    assert (decision.outcome, decision.decided_by) == ("allowed", "AuthorizationPolicy shop/b")
    assert decision.allow_lists == ("AuthorizationPolicy shop/a", "AuthorizationPolicy shop/b")


def test_a_deny_that_may_match_leaves_the_answer_open():
    deny_posts = policy({"action": "DENY", "rules": [{"to": [{"operation": {"methods": ["POST"]}}]}]})
    decision = istio_authz.evaluate([deny_posts], POD, 8080, MESHED)
    assert decision.outcome == "unknown" and "to.operation.methods (the HTTP request)" in decision.unknown


@pytest.mark.parametrize("where,selector,applies", [
    ("shop", None, True), ("shop", {"app": "api"}, True), ("shop", {"app": "web"}, False),
    ("istio-system", None, True),  # the root namespace: mesh-wide
    ("istio-system", {"app": "api"}, True), ("other", None, False),
])
def test_which_policies_apply(where, selector, applies):
    spec = {"selector": {"matchLabels": selector}} if selector else {}
    assert (outcome([policy(spec, namespace=where)]) == "denied") is applies


def test_target_refs_bind_to_a_gateway_or_waypoint_not_the_sidecar():
    bound = policy({"targetRefs": [{"kind": "Service", "group": "", "name": "api"}]})
    assert istio_authz.evaluate([bound], POD, 8080, MESHED) is None
    assert istio_authz.applicable([bound], POD) == ([], [bound])


def test_v1beta1_and_other_groups():
    assert outcome([policy({}, version="v1beta1")]) == "denied"
    linkerd = {**policy({}), "apiVersion": "policy.linkerd.io/v1alpha1"}
    assert outcome([linkerd]) is None


def test_an_allow_that_may_match_does_not_hide_one_that_does():
    """Found by the property test: an unknown ALLOW rule listed first made an admitted request unknown."""
    by_method = policy({"rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}, "a-get")
    everyone = policy({"rules": [{}]}, "b-all")
    decision = istio_authz.evaluate([by_method, everyone], POD, 8080, MESHED)
    assert (decision.outcome, decision.decided_by) == ("allowed", "AuthorizationPolicy shop/b-all")


@pytest.mark.parametrize("spec,expected", [
    ({"rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}, "denied"),  # an ALLOW rule with HTTP fields: never
    ({"rules": [{"from": [{"source": {"requestPrincipals": ["*"]}}]}]}, "denied"),
    ({"rules": [{"when": [{"key": "request.headers[x]", "values": ["y"]}]}, {}]}, "allowed"),  # the other rule does
    ({"action": "DENY", "rules": [{"to": [{"operation": {"methods": ["POST"], "ports": ["6379"]}}]}]}, "denied"),
    ({"action": "DENY", "rules": [{"to": [{"operation": {"methods": ["POST"], "ports": ["9999"]}}]}]}, "allowed"),
])
def test_a_plain_tcp_port_reads_http_fields_the_strict_way(spec, expected):
    decision = istio_authz.evaluate([policy(spec)], POD, 6379, MESHED, tcp=True)
    assert decision.outcome == expected and decision.facts.get("tcp") == 6379
    assert istio_authz.evaluate([policy(spec)], POD, 6379, MESHED).outcome in (expected, "unknown")  # HTTP: request-dependent
