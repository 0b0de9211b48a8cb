"""svcdebug --from in a mesh, offline: the authorization of every Service port for that client, on the
port each backend serves it at (tests/scenarios/netpath/mesh-authz)."""
import json

from .conftest import ROOT, svcdebug

SCENARIO = str(ROOT / "tests" / "scenarios" / "netpath" / "mesh-authz")


def report(*args):
    code, out = svcdebug(*args, "-f", SCENARIO, "-o", "json")
    return code, json.loads(out)


def mesh(report_, code):
    return [f for f in report_["findings"] if f["code"] == code]


def test_each_port_is_decided_by_its_own_policy():
    code, found = report("api", "-n", "shop", "--from", "orders")
    denied = mesh(found, "mesh-authz-denied")
    assert code == 1 and found["verdict"] == "error"
    assert {(f["evidence"]["port"], f["evidence"]["decided by"]) for f in denied} == {
        (8080, "AuthorizationPolicy shop/api-callers"), (9090, "AuthorizationPolicy shop/admin-only-ops")}


def test_an_allowed_client_is_info_and_the_other_port_still_denied():
    _, found = report("api", "-n", "shop", "--from", "web")
    assert [f["evidence"]["port"] for f in mesh(found, "mesh-authz-allowed")] == [8080]
    assert [f["evidence"]["port"] for f in mesh(found, "mesh-authz-denied")] == [9090]
    assert found["findings"][0]["code"] == "mesh-authz-denied"  # errors first


def test_one_port_chosen():
    code, found = report("api", "-n", "shop", "--from", "web", "--port", "http")
    assert code == 0 and found["verdict"] == "ok"
    assert mesh(found, "mesh-authz-allowed")


def test_linkerd_server_authorization():
    code, found = report("voting", "-n", "emoji", "--from", "vote-bot")
    assert code == 1 and mesh(found, "mesh-authz-denied")[0]["evidence"]["decided by"] == "Server emoji/voting-grpc"
    assert report("voting", "-n", "emoji", "--from", "web")[0] == 0


def test_without_from_the_ingress_controller_is_the_client():
    """An Ingress routes shop/api's http port (30-ingress.yaml): ingress-nginx, without a sidecar, has no
    principal, so api-callers denies it; the admin port is not routed, so not judged for it."""
    code, found = report("api", "-n", "shop")
    denied = mesh(found, "mesh-authz-denied")
    assert code == 1 and [f["evidence"]["port"] for f in denied] == [8080]
    assert denied[0]["evidence"]["client"].startswith("ingress-nginx/ingress-nginx-controller-0 (not in a mesh")


def test_without_from_or_ingress_no_client_is_assumed():
    _, found = report("voting", "-n", "emoji")
    assert not [f for f in found["findings"] if f["code"].startswith("mesh-authz")]
    assert "--from" in mesh(found, "mesh-sidecar")[0]["fix"]
