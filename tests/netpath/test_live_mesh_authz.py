"""Mesh authorization on the simulated cluster (tests/scenarios/netpath/mesh-authz-live): the simulator's
sidecars accept every TCP connection, then answer a refused peer's HTTP request with 403 "RBAC: access
denied" (tests/sim/mesh_authz.py, written from the meshes' rules independently of netdebug). NetworkPolicy
allows everything here: only the mesh decides."""
import json

import pytest

from tests.svcdebug.conftest import svcdebug

from .conftest import codes, hop, live, probe

SCENARIO = "tests/scenarios/netpath/mesh-authz-live"


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)
@pytest.mark.parametrize("args,verdict,code,status", [
    (("shop/web", "svc/api:http"), "reachable", "mesh-authz-allowed", "200"),
    (("shop/orders", "svc/api:http"), "blocked at destination", "mesh-authz-denied", "403"),  # another principal
    (("shop/batch", "svc/api:http"), "blocked at destination", "mesh-authz-denied", "403"),  # not in the mesh
    (("shop/web", "svc/api:admin"), "blocked at destination", "mesh-authz-denied", "403"),  # DENY outside ops
    (("ops/oncall", "svc/api:admin", "-n", "shop"), "reachable", "mesh-authz-allowed", "200"),
    (("shop/web", "vault/secrets"), "blocked at destination", "mesh-authz-denied", "403"),  # ALLOW nothing
    (("votes/web", "svc/voting", "-n", "votes"), "reachable", "mesh-authz-allowed", "200"),  # Linkerd
    (("votes/bot", "svc/voting", "-n", "votes"), "blocked at destination", "mesh-authz-denied", "403"),
])
def test_decisions_match_what_the_sidecar_does(sim_cluster, args, verdict, code, status):
    exit_code, report = live(sim_cluster, *args, "--http", "/", "--timeout", "1")
    assert (report["verdict"], exit_code) == (verdict, 0 if verdict == "reachable" else 1), report["findings"]
    assert code in codes(report)
    assert probe(report, "http")["detail"] == status
    assert hop(report, "policy")["status"] == "ok"


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)
def test_the_connection_opens_and_the_request_is_refused(sim_cluster):
    _, report = live(sim_cluster, "shop/orders", "svc/api:http", "--http", "/", "--timeout", "1")
    assert probe(report, "service")["outcome"] == "connected"  # not a drop: the proxy accepted
    denied = next(f for f in report["findings"] if f["code"] == "mesh-authz-denied")
    assert denied["message"].endswith("the probes confirm it: HTTP 403")
    assert [o.rsplit(": ", 1)[1] for o in denied["evidence"]["observed"]] == ["connected", "connected", "HTTP 403"]
    assert denied["fix"] == ('edit AuthorizationPolicy shop/api-callers: add "cluster.local/ns/shop/sa/orders" to '
                             "rules[0].from[0].source.principals")
    assert "dropped-unexplained" not in codes(report) and "not-listening" not in codes(report)


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)
def test_svcdebug_from_a_denied_client(sim_cluster):
    code, out = svcdebug("api", "-n", "shop", "--from", "orders", "--port", "http", "--timeout", "1",
                         "--kubeconfig", sim_cluster.kubeconfig, "-o", "json")
    report = json.loads(out)
    assert code == 1 and report["findings"][0]["code"] == "mesh-authz-denied"
    assert report["findings"][0]["evidence"]["decided by"] == "AuthorizationPolicy shop/api-callers"
