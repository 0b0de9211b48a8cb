"""Properties of the mesh evaluators over generated policies and clients (hypothesis): they never raise,
answer one of three outcomes (unknown always says why), and follow the documented order: a DENY that
matches everything denies, an ALLOW that matches everything admits unless a DENY decides, and adding an
ALLOW rule never takes an admission away."""
from hypothesis import given, settings, strategies as st

from netdebug.model.snapshot import Snapshot
from netdebug.policy import istio_authz, linkerd_authz
from netdebug.policy.mesh_match import MeshClient

POD = {"kind": "Pod", "metadata": {"name": "api", "namespace": "shop", "labels": {"app": "api"}},
       "spec": {"containers": [{"name": "api", "ports": [{"name": "http", "containerPort": 8080}]}]}}
NAMES = st.sampled_from(["shop", "ops", "*", "sh*", "*op", "cluster.local/ns/shop/sa/web", "cluster.local/*",
                         "10.0.0.0/24", "10.0.0.5", "8080", "9090", "GET", "/api/*", ""])
VALUES = st.lists(NAMES, max_size=3)
SOURCE_KEYS = st.sampled_from(["principals", "notPrincipals", "namespaces", "notNamespaces", "ipBlocks",
                               "notIpBlocks", "remoteIpBlocks", "requestPrincipals"])
OPERATION_KEYS = st.sampled_from(["ports", "notPorts", "methods", "paths", "notHosts"])
WHEN_KEYS = st.sampled_from(["source.ip", "source.namespace", "source.principal", "destination.port",
                             "request.headers[x]"])
RULES = st.lists(st.fixed_dictionaries({}, optional={
    "from": st.lists(st.fixed_dictionaries({"source": st.dictionaries(SOURCE_KEYS, VALUES, max_size=2)}), max_size=2),
    "to": st.lists(st.fixed_dictionaries({"operation": st.dictionaries(OPERATION_KEYS, VALUES, max_size=2)}), max_size=2),
    "when": st.lists(st.fixed_dictionaries({"key": WHEN_KEYS}, optional={"values": VALUES, "notValues": VALUES}),
                     max_size=2)}), max_size=3)
SPECS = st.fixed_dictionaries({}, optional={"action": st.sampled_from(["ALLOW", "DENY", "AUDIT"]), "rules": RULES,
                                            "selector": st.just({"matchLabels": {"app": "api"}})})
CLIENTS = st.sampled_from([MeshClient("shop/web", "10.0.0.5", "shop", "web", "Istio"),
                           MeshClient("ops/x", "10.0.1.5", "ops", "x", "Istio"),
                           MeshClient("shop/plain", "10.0.0.6", "shop", "plain", None),
                           MeshClient(None, None, None, None, None)])


def istio(spec, name):
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
            "metadata": {"name": name, "namespace": "shop"}, "spec": spec}


def decide(specs, client, port):
    return istio_authz.evaluate([istio(s, f"p{i}") for i, s in enumerate(specs)], POD, port, client)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(specs=st.lists(SPECS, min_size=1, max_size=4), client=CLIENTS, port=st.sampled_from([8080, 9090]))
def test_istio_order_and_three_values(specs, client, port):
    decision = decide(specs, client, port)
    assert decision.outcome in ("allowed", "denied", "unknown")
    assert decision.outcome != "unknown" or decision.unknown
    assert decide(specs + [{"action": "DENY", "rules": [{}]}], client, port).outcome == "denied"
    admitted = decide(specs + [{"rules": [{}]}], client, port)
    no_deny = [s for s in specs if s.get("action") != "DENY"]
    assert decide(no_deny + [{"rules": [{}]}], client, port).outcome == "allowed"
    if decision.outcome == "allowed":
        assert admitted.outcome == "allowed"
    if decision.outcome == "denied" and decision.why == "no-allow-rule-matches":
        assert admitted.outcome == "allowed"


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(client=CLIENTS, unauthenticated=st.booleans(), accounts=st.lists(st.sampled_from(["web", "x", "plain"]),
                                                                          max_size=2),
       access=st.sampled_from([None, "deny", "all-unauthenticated", "all-authenticated"]))
def test_linkerd_server_authorizations(client, unauthenticated, accounts, access):
    linkerd = MeshClient(client.ref, client.ip, client.namespace, client.service_account,
                         "Linkerd" if client.mesh else None)
    server = {"apiVersion": "policy.linkerd.io/v1beta3", "kind": "Server", "metadata": {"name": "s", "namespace": "shop"},
              "spec": {"podSelector": {"matchLabels": {"app": "api"}}, "port": "http",
                       **({"accessPolicy": access} if access else {})}}
    auth = {"apiVersion": "policy.linkerd.io/v1beta1", "kind": "ServerAuthorization",
            "metadata": {"name": "a", "namespace": "shop"},
            "spec": {"server": {"name": "s"}, "client": {"unauthenticated": True} if unauthenticated else
                     {"meshTLS": {"serviceAccounts": [{"name": a} for a in accounts]}}}}
    snapshot = Snapshot()
    for obj in (POD, server, auth):
        snapshot.add(obj)
    decision = linkerd_authz.evaluate(snapshot, POD, 8080, "http", linkerd)
    assert decision.outcome in ("allowed", "denied", "unknown")
    if unauthenticated:
        assert decision.outcome == "allowed"
    if not unauthenticated and linkerd.mesh is None and access in (None, "deny", "all-authenticated"):
        assert decision.outcome == "denied"  # no identity, and nothing admits the unauthenticated
