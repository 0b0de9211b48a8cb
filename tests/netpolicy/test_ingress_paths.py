"""Ingress paths: may the ingress controller reach each Ingress path's backends (netpolicy ingress,
check/matrix pseudo-source `ingress-controller`, svcdebug's clients), offline and live."""
import copy
import json

import pytest

from netdebug.cli.netpolicy import command
from netdebug.diagnose import ingress_controllers as found
from netdebug.diagnose.ingress_paths import controller_row, ingress_paths
from netdebug.diagnose.service_policy import default_clients
from netdebug.errors import InputError
from netdebug.manifests.loader import load
from netdebug.model.snapshot import Snapshot
from netdebug.policy.engine import PolicyEngine
from netdebug.policy.matrix import compute

from .conftest import GOLDEN, MANIFESTS, ROOT, invoke

EXTERNAL = str(ROOT / "examples/external-access")
BLOCKED = str(MANIFESTS / "ingress")
CONTROLLER = "ingress-nginx/ingress-nginx-controller-0"


def snapshot_of(path: str) -> Snapshot:
    return load([path], default_namespace="default")


def paths_of(path: str, override=None) -> list[dict]:
    snapshot = snapshot_of(path)
    return ingress_paths(snapshot, PolicyEngine(snapshot), override)


def summary(paths: list[dict]) -> dict:
    return {(p["ingress"], p["host"], p["path"]): p["status"] for p in paths}


def test_external_access_controller_reaches_every_backend():
    paths = paths_of(EXTERNAL)
    assert summary(paths) == {("store/admin", "admin.example.com", "/"): "allowed",
                              ("store/site", "shop.example.com", "/"): "allowed"}
    site = paths[1]
    assert site["controllers"] == ["ingress-nginx/ingress-nginx-controller"]
    assert site["controllerSource"] == "IngressClass nginx (k8s.io/ingress-nginx)"
    assert [(b["pod"], b["port"], b["allowed"]) for b in site["backends"]] == [("store/site", 8080, True)]
    assert paths[0]["backends"][0]["port"] == 9090  # admin-lb port 80 -> targetPort http -> 9090


def test_blocking_policies_give_each_path_its_answer():
    paths = paths_of(BLOCKED)
    assert summary(paths) == {
        ("legacy/old", "old.example.com", "/"): "blocked",
        ("shop/shop", "shop.example.com", "/"): "partly-blocked",
        ("shop/shop", "shop.example.com", "/api"): "blocked",
        ("shop/shop", "shop.example.com", "/cart"): "unknown",
        ("shop/shop", "shop.example.com", "/tls"): "unknown",
        ("shop/shop", "*", None): "partly-blocked",
    }
    assert all(p["controllers"] == [CONTROLLER] for p in paths)  # the admission-webhook pod is not one


def deciding(paths: list[dict], ingress: str, path: str | None) -> list[tuple]:
    entry = next(p for p in paths if p["ingress"] == ingress and p["path"] == path and p["host"] != "*")
    return [(b["pod"], b["port"], c["allowed"], c["deniedBy"], c["policies"],
             [(r["policy"], r["direction"]) for r in c["rules"]]) for b in entry["backends"] for c in b["checks"]]


def test_verdicts_name_the_deciding_side_policies_and_rules():
    paths = paths_of(BLOCKED)
    assert deciding(paths, "shop/shop", "/") == [
        ("shop/web-1", 8080, True, None, [], [("ingress-nginx/controller-egress", "egress"),
                                              ("shop/web-from-edge", "ingress")]),
        ("shop/web-canary", 8080, False, "ingress", ["shop/canary-from-api"],
         [("ingress-nginx/controller-egress", "egress")])]
    assert deciding(paths, "shop/shop", "/api") == [("shop/api", 9000, False, "ingress", ["shop/api-deny-all"],
                                                     [("ingress-nginx/controller-egress", "egress")])]
    assert deciding(paths, "legacy/old", "/") == [("legacy/old", 8080, False, "egress",
                                                   ["ingress-nginx/controller-egress"], [])]


def test_notes_say_why_a_path_cannot_be_checked():
    notes = {p["path"]: p["notes"] for p in paths_of(BLOCKED) if p["ingress"] == "shop/shop" and p["host"] != "*"}
    assert notes["/cart"] == ["Service shop/cart not found"]
    assert notes["/tls"] == ["Service shop/web has no port 443"]
    assert notes["/"] == []


def test_override_picks_the_controller_pods():
    paths = paths_of(BLOCKED, "ingress-nginx/app.kubernetes.io/component=admission-webhook")
    assert {tuple(p["controllers"]) for p in paths} == {("ingress-nginx/ingress-nginx-admission",)}
    assert paths[0]["controllerSource"].startswith("--ingress-controller ")
    nobody = paths_of(BLOCKED, "shop/app=nope")
    assert nobody[0]["status"] == "unknown" and "no pod in shop matches app=nope" in nobody[0]["notes"][0]
    assert {tuple(p["controllers"]) for p in paths_of(BLOCKED, "*/app.kubernetes.io/component=controller")} == \
        {(CONTROLLER,)}


@pytest.mark.parametrize("text", ["app=x", "ingress-nginx/", "Bad_NS/app=x", "ns/a=(", "app.kubernetes.io/name=x"])
def test_bad_override_is_input_error(text):
    with pytest.raises(InputError, match="--ingress-controller" if "(" not in text else "selector"):
        found.parse_override(text)


def pod(name: str, namespace: str, labels: dict, phase: str = "Running", args=None) -> dict:
    container = {"name": "c", "image": "x", **({"args": args} if args else {})}
    return {"kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"containers": [container]}, "status": {"phase": phase}}


def ingress_class(name: str, controller: str, default: bool = False) -> dict:
    notes = {"ingressclass.kubernetes.io/is-default-class": "true"} if default else {}
    return {"kind": "IngressClass", "metadata": {"name": name, "annotations": notes},
            "spec": {"controller": controller}}


def ingress(name: str, klass: str | None = None, annotation: str | None = None) -> dict:
    meta = {"name": name, "namespace": "app"}
    if annotation:
        meta["annotations"] = {"kubernetes.io/ingress.class": annotation}
    return {"kind": "Ingress", "metadata": meta, "spec": {"ingressClassName": klass} if klass else {}}


def family_snapshot() -> Snapshot:
    snapshot = Snapshot()
    for obj in [pod("traefik-1", "edge", {"app.kubernetes.io/name": "traefik"}),
                pod("traefik-old", "kube-system", {"k8s-app": "traefik-ingress-lb"}),
                pod("envoy-1", "projectcontour", {"app": "envoy"}),
                pod("contour-1", "projectcontour", {"app.kubernetes.io/name": "contour",
                                                    "app.kubernetes.io/component": "contour"}),
                pod("nginx-1", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx",
                                                 "app.kubernetes.io/component": "controller"}),
                pod("nginx-internal", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx",
                                                        "app.kubernetes.io/component": "controller"},
                    args=["/nginx-ingress-controller", "--controller-class=k8s.io/internal-nginx"]),
                pod("nginx-job", "ingress-nginx", {"app": "ingress-nginx"}, phase="Succeeded"),
                pod("web", "app", {"app": "web"}),
                ingress_class("traefik", "traefik.io/ingress-controller"),
                ingress_class("contour", "projectcontour.io/ingress-controller"),
                ingress_class("nginx", "k8s.io/ingress-nginx", default=True),
                ingress_class("alb", "ingress.k8s.aws/alb"),
                ingress_class("custom", "example.com/proxy")]:
        snapshot.add(obj)
    return snapshot


@pytest.mark.parametrize("klass,annotation,expected", [
    ("traefik", None, ["edge/traefik-1", "kube-system/traefik-old"]),
    ("contour", None, ["projectcontour/envoy-1"]),  # envoy carries the traffic, not contour itself
    (None, None, ["ingress-nginx/nginx-1"]),  # the default class; --controller-class of another class left out
    (None, "traefik", ["edge/traefik-1", "kube-system/traefik-old"]),  # the old annotation
])
def test_controllers_by_class_family(klass, annotation, expected):
    controllers = found.controllers_for(family_snapshot(), ingress("x", klass, annotation))
    assert [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in controllers.pods] == expected
    assert controllers.notes == ()


def test_cloud_and_unknown_controllers_say_so():
    cloud = found.controllers_for(family_snapshot(), ingress("x", "alb"))
    assert cloud.pods == () and "cloud load balancer" in cloud.notes[0]
    custom = found.controllers_for(family_snapshot(), ingress("x", "custom"))
    assert "example.com/proxy, not a known family" in custom.notes[0]
    # every running pod with well-known labels: not the finished job, not contour's control plane
    assert sorted(p["metadata"]["name"] for p in custom.pods) == ["envoy-1", "nginx-1", "nginx-internal",
                                                                   "traefik-1", "traefik-old"]


def test_svcdebug_clients_are_the_shared_discovery():
    snapshot = snapshot_of(BLOCKED)
    service = snapshot.get("Service", "shop", "web")
    clients, kind = default_clients(snapshot, service, snapshot.in_namespace("Ingress", "shop"))
    assert (kind, [c["metadata"]["name"] for c in clients]) == ("ingress controller", ["ingress-nginx-controller-0"])
    others, kind = default_clients(snapshot, service, [])
    assert kind == "same namespace" and [c["metadata"]["name"] for c in others] == ["api"]


def test_svcdebug_reports_the_blocked_canary():
    from netdebug.cli.svcdebug import command as svcdebug

    code, out = invoke(svcdebug, ["shop/web", "-f", BLOCKED, "-o", "json"])
    finding = next(f for f in json.loads(out)["findings"] if f["code"] == "policy-blocks-ingress")
    assert code == 1 and finding["severity"] == "error"
    assert finding["evidence"]["clients"] == f"ingress controller: {CONTROLLER}"
    assert "shop/web-canary" in finding["evidence"]["denied"][0]


def test_cli_text_and_json_goldens(golden):
    code, out = invoke(command, ["ingress", "-f", BLOCKED])
    assert code == 1
    golden("ingress-blocked.txt", out)
    code, out = invoke(command, ["ingress", "-f", BLOCKED, "-o", "json"])
    assert code == 1 and json.loads(out)["paths"] == paths_of(BLOCKED)
    golden("ingress-blocked.json", out)


def test_cli_scope_and_exit_codes():
    code, out = invoke(command, ["ingress", "-f", EXTERNAL, "-o", "json"])
    assert code == 0 and len(json.loads(out)["paths"]) == 2
    code, out = invoke(command, ["ingress", "-f", BLOCKED, "-n", "legacy", "-o", "json"])
    assert code == 1 and {p["ingress"] for p in json.loads(out)["paths"]} == {"legacy/old"}
    code, out = invoke(command, ["ingress", "-f", BLOCKED, "-n", "nowhere"])
    assert (code, out) == (0, "No Ingress in scope.\n")
    with pytest.raises(InputError, match="use NS/SELECTOR"):  # even with no Ingress to apply it to
        invoke(command, ["ingress", "-f", str(ROOT / "examples/shop"), "--ingress-controller", "nginx"])


def test_check_from_the_ingress_controller():
    code, out = invoke(command, ["check", "ingress-controller", "shop/web-1", "--port", "8080", "-f", BLOCKED,
                                 "-o", "json"])
    report = json.loads(out)
    assert (code, report["allowed"], report["from"]["pods"]) == (0, True, [CONTROLLER])
    code, out = invoke(command, ["check", "ingress-controller", "shop/api", "--port", "9000", "-f", BLOCKED])
    assert code == 1 and out.startswith(f"✘ DENIED: {CONTROLLER} -> shop/api")


def test_check_without_controller_pods_is_not_found():
    from netdebug.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no ingress controller pods"):
        invoke(command, ["check", "ingress-controller", "shop/checkout", "-f", str(ROOT / "examples/shop")])


def test_matrix_pseudo_row():
    snapshot = snapshot_of(BLOCKED)
    engine = PolicyEngine(snapshot)
    grid = compute(engine, snapshot.of("Pod"))
    row = dict(zip(grid.refs(), map(str, controller_row(engine, grid, found.all_controllers(snapshot).pods))))
    assert row == {"ingress-nginx/ingress-nginx-admission": "TCP 53;UDP 53", CONTROLLER: "all",
                   "legacy/old": "TCP 53;UDP 53", "shop/api": "none", "shop/web-1": "TCP 8080",
                   "shop/web-canary": "none"}
    code, out = invoke(command, ["matrix", "-f", BLOCKED, "-o", "json"])
    pseudo = {r["to"]: r["connections"] for r in json.loads(out)["connections"] if r["from"] == "ingress-controller"}
    assert pseudo == row
    code, out = invoke(command, ["matrix", "-f", BLOCKED])
    assert [line.split()[:2] for line in out.splitlines() if line.startswith("ingress-controller")] == \
        [["ingress-controller", "TCP"]]


def test_matrix_without_controllers_has_no_pseudo_row():
    code, out = invoke(command, ["matrix", "-f", str(ROOT / "examples/shop"), "-o", "json"])
    assert "ingress-controller" not in out


def test_controller_row_counts_the_other_replicas_toward_a_controller():
    snapshot = snapshot_of(BLOCKED)
    second = copy.deepcopy(snapshot.get("Pod", "ingress-nginx", "ingress-nginx-controller-0"))
    second["metadata"]["name"] = "ingress-nginx-controller-1"
    snapshot.add(second)
    deny = {"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "ingress-nginx"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    snapshot.add(deny)
    engine = PolicyEngine(snapshot)
    grid = compute(engine, snapshot.in_namespace("Pod", "ingress-nginx"))
    row = dict(zip(grid.refs(), map(str, controller_row(engine, grid, found.all_controllers(snapshot).pods))))
    assert row[CONTROLLER] == "none" and row["ingress-nginx/ingress-nginx-controller-1"] == "none"


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", ["tests/netpolicy/manifests/ingress"], indirect=True)
def test_live_gives_the_same_answer(sim_cluster):
    args = ["ingress", "-o", "json", "--kubeconfig", sim_cluster.kubeconfig, "--context", "sim"]
    code, out = invoke(command, args)
    assert code == 1
    assert json.loads(out) == json.loads((GOLDEN / "ingress-blocked.json").read_text())
    code, out = invoke(command, ["check", "ingress-controller", "legacy/old", "--port", "8080", "--kubeconfig",
                                 sim_cluster.kubeconfig, "--context", "sim", "-o", "json"])
    assert code == 1 and json.loads(out)["egress"]["policies"] == ["ingress-nginx/controller-egress"]
