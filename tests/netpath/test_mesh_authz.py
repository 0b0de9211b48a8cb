"""Mesh authorization on netpath's path, offline (tests/scenarios/netpath/mesh-authz): NetworkPolicy
allows everything there, Istio AuthorizationPolicies and a Linkerd Server decide."""
import pytest

from .conftest import codes, hop, offline

SCENARIO = "mesh-authz"


def mesh_finding(report):
    return next(f for f in report["findings"] if f["code"].startswith("mesh-authz"))


@pytest.mark.parametrize("args,verdict,code,decided_by", [
    (("shop/web", "svc/api:http"), "reachable", "mesh-authz-allowed", "AuthorizationPolicy shop/api-callers"),
    (("shop/orders", "svc/api:http"), "blocked at destination", "mesh-authz-denied", "AuthorizationPolicy shop/api-callers"),
    (("shop/batch", "svc/api:http"), "blocked at destination", "mesh-authz-denied", "AuthorizationPolicy shop/api-callers"),
    (("shop/web", "svc/api:admin"), "blocked at destination", "mesh-authz-denied", "AuthorizationPolicy shop/admin-only-ops"),
    (("ops/oncall", "shop/api", "--port", "9090"), "reachable", "mesh-authz-allowed", "AuthorizationPolicy shop/api-callers"),
    (("shop/web", "vault/secrets"), "blocked at destination", "mesh-authz-denied", "AuthorizationPolicy vault/deny-all"),
    (("shop/web", "shop/reports"), "reachable", "mesh-authz-unknown", "AuthorizationPolicy shop/reports-read-only"),
    (("emoji/web", "emoji/voting"), "reachable", "mesh-authz-allowed", "AuthorizationPolicy emoji/voting-from-web"),
    (("emoji/vote-bot", "svc/voting", "-n", "emoji"), "blocked at destination", "mesh-authz-denied",
     "Server emoji/voting-grpc"),
])
def test_decisions(args, verdict, code, decided_by):
    exit_code, report = offline(SCENARIO, *args)
    found = mesh_finding(report)
    assert (report["verdict"], found["code"], found["evidence"]["decided by"]) == (verdict, code, decided_by)
    assert exit_code == (1 if code == "mesh-authz-denied" else 0)
    if code == "mesh-authz-denied":
        assert hop(report, "destination")["code"] == "mesh-authz-denied"
        assert hop(report, "policy")["status"] == "ok"  # NetworkPolicy allows it: the mesh is the one that denies


def test_fix_is_the_verified_near_rule_edit():
    found = mesh_finding(offline(SCENARIO, "shop/orders", "svc/api:http")[1])
    assert found["fix"] == ('edit AuthorizationPolicy shop/api-callers: add "cluster.local/ns/shop/sa/orders" '
                            "to rules[0].from[0].source.principals")
    assert found["evidence"]["client"] == "shop/orders (cluster.local/ns/shop/sa/orders)"


def test_a_client_outside_the_mesh_has_no_principal():
    found = mesh_finding(offline(SCENARIO, "shop/batch", "svc/api:http")[1])
    assert "not in a mesh" in found["evidence"]["client"]
    assert "is not in the Istio mesh" in found["fix"] and "ipBlocks" in found["fix"]


def test_deny_rule_named_with_its_index():
    found = mesh_finding(offline(SCENARIO, "shop/web", "svc/api:admin")[1])
    assert found["evidence"]["rule"] == 0 and "action DENY" in found["message"]
    assert "narrow or remove rule 0 of AuthorizationPolicy shop/admin-only-ops" in found["fix"]


def test_unknown_names_what_was_not_evaluated():
    found = mesh_finding(offline(SCENARIO, "shop/web", "shop/reports")[1])
    assert found["severity"] == "warning"
    assert found["evidence"]["not evaluated"] == ["to.operation.methods (the HTTP request)"]


def test_linkerd_fix_extends_the_identity_list():
    found = mesh_finding(offline(SCENARIO, "emoji/vote-bot", "emoji/voting")[1])
    assert "identityRefs of MeshTLSAuthentication emoji/web-only" in found["fix"]
    assert "vote-bot.emoji.serviceaccount.identity.linkerd.cluster.local" in found["evidence"]["client"]


def test_mutual_tls_refusal_comes_first():
    """The existing mesh scenario: STRICT mTLS refuses a client outside the mesh; no authorization finding is
    added for the same pod (one cause, one error)."""
    _, report = offline("mesh", "mesh/client", "svc/api")
    assert "mesh-mtls-required" in codes(report)
    assert not [c for c in codes(report) if c.startswith("mesh-authz")]


def test_forbidden_policies_make_the_answer_unknown_except_a_visible_deny():
    from netdebug.diagnose import mesh_authz
    from netdebug.manifests.loader import load
    from netdebug.model.gaps import Gap

    from .conftest import SCENARIOS
    snapshot = load([str(SCENARIOS / SCENARIO)])
    snapshot.gaps.append(Gap("AuthorizationPolicy", "istio-system"))
    web, api = snapshot.get("Pod", "shop", "web"), snapshot.get("Pod", "shop", "api")
    hidden = mesh_authz.path_findings(snapshot, web, [api], {"shop/api": 8080})
    assert [f.code for f in hidden] == ["mesh-authz-unknown"]
    assert "could not list AuthorizationPolicy in namespace istio-system: forbidden" in hidden[0].evidence["not evaluated"]
    assert [f.code for f in mesh_authz.path_findings(snapshot, web, [api], {"shop/api": 9090})] == ["mesh-authz-denied"]


def test_a_linkerd_server_replaces_the_default_policy():
    """emoji's default is all-authenticated, yet the Server on voting's port decides for that port: an
    unauthenticated ServerAuthorization admits plain text; without it, the Server denies (not mTLS)."""
    from netdebug.diagnose import mesh_authz
    from netdebug.manifests.loader import load

    from .conftest import SCENARIOS
    snapshot = load([str(SCENARIOS / SCENARIO)])
    snapshot.get("Namespace", None, "emoji")["metadata"]["annotations"] = {
        "config.linkerd.io/default-inbound-policy": "all-authenticated"}
    plain, voting = snapshot.get("Pod", "shop", "batch"), snapshot.get("Pod", "emoji", "voting")
    codes_now = [f.code for f in mesh_authz.mesh_findings(snapshot, plain, [voting], {"emoji/voting": 8080})]
    assert codes_now == ["mesh-authz-denied"]
    snapshot.add({"apiVersion": "policy.linkerd.io/v1beta1", "kind": "ServerAuthorization",
                  "metadata": {"name": "anyone", "namespace": "emoji"},
                  "spec": {"server": {"name": "voting-grpc"}, "client": {"unauthenticated": True}}})
    assert [f.code for f in mesh_authz.mesh_findings(snapshot, plain, [voting], {"emoji/voting": 8080})] == \
        ["mesh-authz-allowed"]


def test_from_outside_the_ingress_controller_is_the_client():
    """No address on the Ingress (files): the controller pod comes from its class; ingress-nginx has no sidecar,
    so api-callers (principals only) denies it: the browser would get 403."""
    code, report = offline(SCENARIO, "external", "http://api.example.com/")
    found = mesh_finding(report)
    assert (code, report["verdict"], found["code"]) == (1, "blocked at destination", "mesh-authz-denied")
    assert found["evidence"]["client"] == "ingress-nginx/ingress-nginx-controller-0 (not in a mesh: no identity)"


def test_an_ambient_destination_behind_a_waypoint_is_unknown():
    """No sidecar, namespace in ambient mode: a policy bound by targetRefs is enforced by a waypoint netdebug
    does not model; with a sidecar the same policy does not apply at all."""
    from netdebug.diagnose import mesh_authz
    from netdebug.manifests.loader import load

    from .conftest import SCENARIOS
    snapshot = load([str(SCENARIOS / SCENARIO)])
    vault = snapshot.get("Namespace", None, "vault")
    vault["metadata"]["labels"] = {"istio.io/dataplane-mode": "ambient"}
    secrets = snapshot.get("Pod", "vault", "secrets")
    secrets["spec"]["containers"] = secrets["spec"]["containers"][:1]
    secrets["metadata"]["annotations"] = {}
    snapshot.replace(snapshot.get("AuthorizationPolicy", "vault", "deny-all"), {
        "apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
        "metadata": {"name": "waypoint", "namespace": "vault"},
        "spec": {"targetRefs": [{"kind": "Service", "group": "", "name": "secrets"}], "rules": [{}]}})
    web = snapshot.get("Pod", "shop", "web")
    found = mesh_authz.path_findings(snapshot, web, [secrets], {"vault/secrets": 8080})
    assert [f.code for f in found] == ["mesh-authz-unknown"]
    assert "AuthorizationPolicy vault/waypoint (targetRefs: enforced by a waypoint)" in found[0].evidence["not evaluated"]


@pytest.mark.parametrize("http,severity,status,note", [
    ("403", "error", "fail", "the probes confirm it: HTTP 403"),
    ("200", "warning", "ok", "yet HTTP answered"),
    (None, "error", "fail", "TCP connects, as expected"),
])
def test_what_the_probes_saw_of_a_denial(http, severity, status, note):
    from netdebug.diagnose.hops import Hop
    from netdebug.diagnose.mesh_authz_probes import observe
    from netdebug.model.findings import Finding

    hop = Hop("destination").fail(Finding("mesh-authz-denied", "error", "Istio denies a -> b:8080", {"port": 8080}))
    probes = [{"kind": "tcp", "target": "10.0.0.1", "port": 8080, "outcome": "connected", "detail": "TCP handshake"}]
    probes += [{"kind": "http", "target": "10.0.0.1", "port": 8080, "path": "/", "outcome": "http", "detail": http}] \
        if http else []
    observe(hop, probes)
    assert (hop.findings[0].severity, hop.status) == (severity, status) and note in hop.findings[0].message
    assert hop.findings[0].evidence["observed"] == ["10.0.0.1:8080: connected"] + ([f"10.0.0.1:8080/: HTTP {http}"]
                                                                                   if http else [])


def test_http_fields_on_a_tcp_port_deny_everyone():
    code, report = offline(SCENARIO, "shop/web", "svc/cache")
    found = mesh_finding(report)
    assert (code, found["code"], found["evidence"]["decided by"]) == (1, "mesh-authz-denied",
                                                                     "AuthorizationPolicy shop/cache-paths")
    assert "port 6379 carries TCP, not HTTP" in found["message"]


def test_mutual_tls_disabled_means_no_identity():
    """PeerAuthentication DISABLE on the destination port: even a meshed client talks plain text, so rules on
    principals cannot match it."""
    from netdebug.diagnose import mesh_authz
    from netdebug.manifests.loader import load

    from .conftest import SCENARIOS
    snapshot = load([str(SCENARIOS / SCENARIO)])
    web, api = snapshot.get("Pod", "shop", "web"), snapshot.get("Pod", "shop", "api")
    assert [f.code for f in mesh_authz.path_findings(snapshot, web, [api], {"shop/api": 8080})] == ["mesh-authz-allowed"]
    snapshot.add({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
                  "metadata": {"name": "api", "namespace": "shop"},
                  "spec": {"selector": {"matchLabels": {"app": "api"}}, "portLevelMtls": {"8080": {"mode": "DISABLE"}}}})
    found = mesh_authz.path_findings(snapshot, web, [api], {"shop/api": 8080})
    assert [f.code for f in found] == ["mesh-authz-denied"]
    assert found[0].evidence["client"] == "shop/web (mutual TLS disabled towards this port: no identity)"
    assert found[0].fix.startswith("mutual TLS is disabled towards port 8080 (PeerAuthentication mode DISABLE)")
