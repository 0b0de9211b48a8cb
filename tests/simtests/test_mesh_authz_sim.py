"""The simulator's mesh authorization (tests/sim/mesh_authz.py), pure: which peers a listener refuses,
and scenarios it cannot play refused at start (no root needed)."""
import pytest

from tests.sim.mesh_authz import Unplayable, refused_peers


def pod(name, ns, ip, sidecar=None, account="default", labels=None):
    containers = [{"name": "app", "image": "x", "ports": [{"name": "http", "containerPort": 8080}]}]
    containers += [{"name": sidecar, "image": "proxy"}] if sidecar else []
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels or {"app": name}},
            "spec": {"serviceAccountName": account, "containers": containers}, "status": {"podIP": ip}}


API = pod("api", "shop", "10.0.0.1", "istio-proxy")
WEB = pod("web", "shop", "10.0.0.2", "istio-proxy", "web")
PLAIN = pod("plain", "shop", "10.0.0.3", None, "web")  # the right service account, but no sidecar: no identity


def istio(spec, ns="shop"):
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
            "metadata": {"name": "p", "namespace": ns}, "spec": spec}


def refused(*policies, port=8080):
    return refused_peers(API, [API, WEB, PLAIN, *policies], "Istio", port, "http")


def test_allow_by_principal_refuses_the_rest_and_outsiders():
    allow_web = istio({"rules": [{"from": [{"source": {"principals": ["cluster.local/ns/shop/sa/web"]}}]}]})
    assert refused(allow_web) == {"peers": ["10.0.0.1", "10.0.0.3"], "known": ["10.0.0.1", "10.0.0.2", "10.0.0.3"],
                                  "others": True}


def test_no_policy_refuses_nobody_and_deny_wins():
    assert refused()["peers"] == [] and refused()["others"] is False
    deny_port = istio({"action": "DENY", "rules": [{"to": [{"operation": {"ports": ["8080"]}}]}]})
    assert refused(deny_port, istio({"rules": [{}]}))["peers"] == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert refused(deny_port, port=9090)["peers"] == []


def test_empty_allow_policy_refuses_everyone():
    assert refused(istio({}))["others"] is True and len(refused(istio({}))["peers"]) == 3


def test_linkerd_server_authorization():
    voting = pod("voting", "votes", "10.0.1.1", "linkerd-proxy")
    web = pod("web", "votes", "10.0.1.2", "linkerd-proxy", "web")
    server = {"kind": "Server", "metadata": {"name": "s", "namespace": "votes"},
              "spec": {"podSelector": {"matchLabels": {"app": "voting"}}, "port": "http"}}
    auth = {"kind": "ServerAuthorization", "metadata": {"name": "a", "namespace": "votes"},
            "spec": {"server": {"name": "s"}, "client": {"meshTLS": {"serviceAccounts": [{"name": "web"}]}}}}
    found = refused_peers(voting, [voting, web, server, auth], "Linkerd", 8080, "http")
    assert found["peers"] == ["10.0.1.1"] and found["others"] is True


@pytest.mark.parametrize("spec", [
    {"rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]},
    {"rules": [{"when": [{"key": "request.headers[x]", "values": ["y"]}]}]},
    {"action": "CUSTOM", "provider": {"name": "opa"}, "rules": [{}]},
    {"rules": [{"from": [{"source": {"requestPrincipals": ["*"]}}]}]},
])
def test_what_the_simulator_cannot_play_fails_the_scenario(spec):
    with pytest.raises(Unplayable):
        refused(istio(spec))
