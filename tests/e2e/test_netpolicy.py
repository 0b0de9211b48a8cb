"""kubectl-netpolicy on a real cluster running examples/shop: the declared policy answers, by workload
(pod names are generated there), the same as from the manifests."""
import itertools

import pytest

pytestmark = pytest.mark.e2e
SHOP_PAIRS = [  # (SRC, DST, port, allowed, policy whose rule decides on DST's ingress side, or None)
    ("shop/deploy/frontend", "shop/deploy/backend", "8080", True, "shop/backend-from-frontend"),
    ("shop/deploy/backend", "shop/sts/db", "5432", True, "shop/db-from-backend"),
    ("monitoring/deploy/prometheus", "shop/deploy/frontend", "80", True, "shop/frontend-from-anywhere"),
    ("monitoring/deploy/prometheus", "shop/deploy/backend", "api", False, None),
    ("shop/deploy/frontend", "shop/sts/db", "5432", False, None),
]
# Between workloads of shop (self: a pod always reaches itself); the policies in examples/shop/20-policies.yaml.
SHOP_MATRIX = {
    ("frontend", "backend"): "TCP 8080", ("backend", "db"): "TCP 5432",
    ("frontend", "frontend"): "none", ("backend", "backend"): "none", ("frontend", "db"): "none",
    ("backend", "frontend"): "TCP 80", ("db", "frontend"): "TCP 80", ("db", "backend"): "none",
}


@pytest.mark.parametrize("src,dst,port,allowed,decider", SHOP_PAIRS)
def test_check_names_the_deciding_policy(e2e_cluster, shop, src, dst, port, allowed, decider):
    code, report = e2e_cluster.report("netpolicy", "check", src, dst, "--port", port)
    assert (code, report["allowed"]) == ((0, True) if allowed else (1, False))
    namespace, kind, name = dst.split("/")
    assert report["to"]["workload"] == f"{ {'deploy': 'Deployment', 'sts': 'StatefulSet'}[kind]} {namespace}/{name}"
    assert [r["policy"] for r in report["ingress"]["rules"]] == ([decider] if allowed else [])
    if not allowed and src.startswith("monitoring/"):
        assert report["ingress"]["policies"] == ["shop/backend-from-frontend", "shop/default-deny-ingress"]
    if not allowed and src.startswith("shop/"):
        assert (report["egress"]["policies"], report["egress"]["allowed"]) == (["shop/frontend-egress"], False)


def test_matrix_json_has_every_ordered_pair(e2e_cluster, shop):
    code, report = e2e_cluster.report("netpolicy", "matrix", "-n", "shop")
    app = pod_apps(e2e_cluster, "shop")
    assert code == 0 and sorted(report["pods"]) == sorted(app)
    rows = {(r["from"], r["to"]): r for r in report["connections"]}
    assert sorted(rows) == sorted(itertools.product(app, app)), "not every ordered pair of pods once"
    for (src, dst), row in rows.items():
        expected = "all" if src == dst else SHOP_MATRIX[app[src], app[dst]]
        assert (src, dst, row["connections"], row["allowed"]) == (src, dst, expected, expected != "none")


def pod_apps(cluster, namespace: str) -> dict[str, str]:
    """ns/pod -> its app label, for the pods kubectl lists as Running."""
    done = cluster.kubectl("get", "pods", "-n", namespace, "--field-selector=status.phase=Running",
                           "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.app}{'\\n'}{end}")
    return {f"{namespace}/{name}": app for name, app in (line.split() for line in done.stdout.splitlines())}


def test_unknown_workload_is_bad_input(e2e_cluster, shop):
    done = e2e_cluster.plugin("netpolicy", "check", "shop/deploy/frontend", "shop/deploy/nope")
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "nope" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
