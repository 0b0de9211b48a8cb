"""Linkerd authorization (linkerd.io, Authorization Policy reference): a Server selecting a pod's port
denies everything not authorized (unless its accessPolicy says otherwise); ServerAuthorization and
AuthorizationPolicy (all requiredAuthenticationRefs must hold) authorize; without a Server the default
inbound policy decides."""
import pytest

from netdebug.model.gaps import Gap
from netdebug.model.snapshot import Snapshot
from netdebug.policy import linkerd_authz
from netdebug.policy.mesh_match import MeshClient

L5D = "policy.linkerd.io"
POD = {"kind": "Pod", "metadata": {"name": "voting-1", "namespace": "emoji", "labels": {"app": "voting"}},
       "spec": {"containers": [{"name": "voting", "ports": [{"name": "grpc", "containerPort": 8080}]}]}}
WEB = MeshClient("emoji/web", "10.0.0.5", "emoji", "web", "Linkerd")
PLAIN = MeshClient("emoji/job", "10.0.0.6", "emoji", "job", None)
OUTSIDE = MeshClient(None, None, None, None, None)


def obj(kind, name, spec, version="v1beta1", namespace="emoji", **meta):
    return {"apiVersion": f"{L5D}/{version}", "kind": kind, "metadata": {"name": name, "namespace": namespace, **meta},
            "spec": spec}


SERVER = obj("Server", "voting-grpc", {"podSelector": {"matchLabels": {"app": "voting"}}, "port": "grpc",
                                       "proxyProtocol": "gRPC"}, "v1beta3")


def decide(*objects, client=WEB, namespace_annotations=None, gaps=()):
    snapshot = Snapshot()
    snapshot.add({"kind": "Namespace", "metadata": {"name": "emoji", "annotations": namespace_annotations or {}}})
    for item in (POD, *objects):
        snapshot.add(item)
    snapshot.gaps.extend(gaps)
    return linkerd_authz.evaluate(snapshot, POD, 8080, "grpc", client)


def policy(*refs, target=("Server", "voting-grpc")):
    return obj("AuthorizationPolicy", "voting-policy", {"targetRef": {"group": L5D, "kind": target[0], "name": target[1]},
                                                        "requiredAuthenticationRefs": list(refs)}, "v1alpha1")


def ref(kind, name, namespace=None):
    return {"group": "" if kind == "ServiceAccount" else L5D, "kind": kind, "name": name,
            **({"namespace": namespace} if namespace else {})}


@pytest.mark.parametrize("annotation,client,expected", [
    (None, PLAIN, "allowed"),  # the install default: all-unauthenticated
    ("all-authenticated", WEB, "allowed"), ("all-authenticated", PLAIN, "denied"),
    ("cluster-unauthenticated", PLAIN, "allowed"), ("cluster-unauthenticated", OUTSIDE, "unknown"),
    ("deny", WEB, "denied"), ("audit", PLAIN, "allowed"),
])
def test_default_policy_without_a_server(annotation, client, expected):
    annotations = {linkerd_authz.DEFAULT_POLICY: annotation} if annotation else {}
    assert decide(client=client, namespace_annotations=annotations).outcome == expected


def test_a_server_without_authorizations_denies():
    decision = decide(SERVER)
    assert (decision.outcome, decision.why, decision.decided_by) == ("denied", "no-authorization", "Server emoji/voting-grpc")


def test_server_by_number_and_other_ports():
    by_number = obj("Server", "s", {"podSelector": {"matchLabels": {"app": "voting"}}, "port": 8080})
    assert decide(by_number).outcome == "denied"
    other = obj("Server", "s", {"podSelector": {"matchLabels": {"app": "voting"}}, "port": 9090})
    assert decide(other).outcome == "allowed"  # not this port: the default policy
    elsewhere = obj("Server", "s", {"podSelector": {"matchLabels": {"app": "web"}}, "port": 8080})
    assert decide(elsewhere).outcome == "allowed"


@pytest.mark.parametrize("access,client,expected", [
    ("all-unauthenticated", PLAIN, "allowed"), ("all-authenticated", PLAIN, "denied"),
    ("all-authenticated", WEB, "allowed"), ("deny", WEB, "denied"),
])
def test_server_access_policy(access, client, expected):
    server = {**SERVER, "spec": {**SERVER["spec"], "accessPolicy": access}}
    assert decide(server, client=client).outcome == expected


@pytest.mark.parametrize("client_spec,client,expected", [
    ({"unauthenticated": True}, PLAIN, "allowed"),
    ({"meshTLS": {"serviceAccounts": [{"name": "web"}]}}, WEB, "allowed"),
    ({"meshTLS": {"serviceAccounts": [{"name": "web"}]}}, PLAIN, "denied"),
    ({"meshTLS": {"serviceAccounts": [{"name": "web", "namespace": "other"}]}}, WEB, "denied"),
    ({"meshTLS": {"identities": ["*.emoji.serviceaccount.identity.linkerd.cluster.local"]}}, WEB, "allowed"),
    ({"meshTLS": {"identities": ["vote-bot.emoji.serviceaccount.identity.linkerd.cluster.local"]}}, WEB, "denied"),
    ({"meshTLS": {"unauthenticatedTLS": True}}, WEB, "allowed"),
    ({"networks": [{"cidr": "10.0.0.0/24", "except": ["10.0.0.6/32"]}], "unauthenticated": True}, PLAIN, "denied"),
    ({"networks": [{"cidr": "10.0.0.0/24"}], "unauthenticated": True}, PLAIN, "allowed"),
])
def test_server_authorization(client_spec, client, expected):
    auth = obj("ServerAuthorization", "voting", {"server": {"name": "voting-grpc"}, "client": client_spec})
    assert decide(SERVER, auth, client=client).outcome == expected


def test_server_authorization_by_selector():
    server = {**SERVER, "metadata": {**SERVER["metadata"], "labels": {"tier": "backend"}}}
    auth = obj("ServerAuthorization", "all", {"server": {"selector": {"matchLabels": {"tier": "backend"}}},
                                              "client": {"unauthenticated": True}})
    decision = decide(server, auth, client=PLAIN)
    assert (decision.outcome, decision.decided_by) == ("allowed", "ServerAuthorization emoji/all")


MTLS_WEB = obj("MeshTLSAuthentication", "web", {"identityRefs": [{"kind": "ServiceAccount", "name": "web"}]}, "v1alpha1")
CLUSTER_NET = obj("NetworkAuthentication", "cluster", {"networks": [{"cidr": "10.0.0.0/16"}]}, "v1alpha1")


@pytest.mark.parametrize("objects,refs,client,expected", [
    ([MTLS_WEB], [ref("MeshTLSAuthentication", "web")], WEB, "allowed"),
    ([MTLS_WEB], [ref("MeshTLSAuthentication", "web")], PLAIN, "denied"),
    ([], [ref("ServiceAccount", "web")], WEB, "allowed"),
    ([], [ref("ServiceAccount", "web", "other")], WEB, "denied"),
    ([CLUSTER_NET], [ref("NetworkAuthentication", "cluster")], PLAIN, "allowed"),
    ([CLUSTER_NET], [ref("NetworkAuthentication", "cluster")], OUTSIDE, "unknown"),
    ([MTLS_WEB, CLUSTER_NET], [ref("MeshTLSAuthentication", "web"), ref("NetworkAuthentication", "cluster")],
     PLAIN, "denied"),  # every required authentication must hold
    ([], [], PLAIN, "allowed"),  # no required authentication: unauthenticated clients too
    ([], [ref("MeshTLSAuthentication", "missing")], WEB, "denied"),  # a reference to nothing authorizes nothing
])
def test_authorization_policy(objects, refs, client, expected):
    assert decide(SERVER, *objects, policy(*refs), client=client).outcome == expected


def test_namespace_target_and_route_target():
    whole_namespace = policy(ref("ServiceAccount", "web"), target=("Namespace", "emoji"))
    assert decide(SERVER, whole_namespace).outcome == "allowed"
    route = policy(ref("ServiceAccount", "web"), target=("HTTPRoute", "votes"))
    decision = decide(SERVER, route)
    assert decision.outcome == "unknown" and "route-level" in decision.unknown[0]
    assert decide(SERVER, route, client=PLAIN).outcome == "denied"  # its authentications refuse it anyway
    grpc = policy(ref("ServiceAccount", "web"), target=("GRPCRoute", "votes"))
    assert "the GRPCRoute votes (route-level authorization)" in decide(SERVER, grpc).unknown


def test_unreadable_authentication_is_unknown_not_denied():
    gap = Gap("MeshTLSAuthentication", "emoji")
    decision = decide(SERVER, policy(ref("MeshTLSAuthentication", "web")), gaps=[gap])
    assert decision.outcome == "unknown"


def test_mesh_tls_authentication_identities_and_namespace_refs():
    any_in_namespace = obj("MeshTLSAuthentication", "web", {"identityRefs": [{"kind": "Namespace", "name": "emoji"}]},
                           "v1alpha1")
    assert decide(SERVER, any_in_namespace, policy(ref("MeshTLSAuthentication", "web"))).outcome == "allowed"
    star = obj("MeshTLSAuthentication", "web", {"identities": ["*"]}, "v1alpha1")
    assert decide(SERVER, star, policy(ref("MeshTLSAuthentication", "web"))).outcome == "allowed"
