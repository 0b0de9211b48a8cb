"""explain, lint, exposure and diff against the simulated cluster (the real client over HTTP).

With explicit pods (tests/netpolicy/manifests/mistakes) the live output must be the very bytes of the
golden files made from the manifests. examples/shop lists workloads, whose live pods get generated
names and replica counts, so there the workload-level answers are compared instead.
"""
import json

import pytest

from netdebug.cli.netpolicy import command

from tests.support import both_shapes

from .conftest import GOLDEN, MANIFESTS, ROOT, invoke

pytestmark = pytest.mark.sim
MISTAKES = "tests/netpolicy/manifests/mistakes"
EXPLAIN = "tests/netpolicy/manifests/explain"  # one replica per Deployment: workload answers are equal
LIVE_GOLDEN = {  # scenario -> golden file -> (arguments, exit code)
    MISTAKES: {
        "lint-mistakes.txt": (["lint"], 1),
        "lint-mistakes.json": (["lint", "-o", "json"], 1),
        "explain-mistakes.txt": (["explain"], 0),
        "explain-mistakes.json": (["explain", "-o", "json"], 0),
    },
    EXPLAIN: {
        "exposure-explain.txt": (["exposure"], 0),
        "matrix-explain.mmd": (["matrix", "-o", "mermaid"], 0),
        "matrix-explain-port.mmd": (["matrix", "-o", "mermaid", "--port", "8080"], 0),
    },
}


def live(sim, args):
    return invoke(command, [*args, "--kubeconfig", sim.kubeconfig, "--context", "sim"])


@pytest.mark.parametrize("scenario", sorted(LIVE_GOLDEN))
def test_goldens_from_manifests(golden, scenario):
    for name, (args, expected) in sorted(LIVE_GOLDEN[scenario].items()):
        code, out = invoke(command, [*args, "-f", str(ROOT / scenario)])
        assert code == expected
        golden(name, out)


@pytest.mark.parametrize("sim_cluster,scenario", [(s, s) for s in sorted(LIVE_GOLDEN)], indirect=["sim_cluster"])
def test_goldens_live(sim_cluster, scenario):
    for name, (args, expected) in sorted(LIVE_GOLDEN[scenario].items()):
        code, out = live(sim_cluster, args)
        assert (name, code) == (name, expected)
        assert out == (GOLDEN / name).read_text(), f"live output differs from {GOLDEN / name}"


def workload_rows(report: dict) -> list[tuple]:
    return sorted((r["from"], r["to"], r["added"], r["removed"], tuple(r["policies"])) for r in report["connections"])


@pytest.mark.parametrize("sim_cluster", both_shapes("examples/shop"), indirect=True)
def test_shop_live_matches_manifests(sim_cluster):
    code, out = live(sim_cluster, ["diff", "--against-cluster", "--after", str(MANIFESTS / "shop-v2-policies.yaml"),
                                   "-o", "json"])
    assert code == 1
    offline = json.loads((GOLDEN / "diff-shop-v2.json").read_text())
    assert workload_rows(json.loads(out)) == workload_rows(offline)
    assert json.loads(out)["policies"] == offline["policies"]
    code, out = live(sim_cluster, ["exposure", "-o", "json"])
    expected = json.loads((GOLDEN / "exposure-shop.json").read_text())["exposed"]
    assert [(r["workload"], r["score"], r["external"]) for r in json.loads(out)["exposed"]] == \
        [(r["workload"], r["score"], r["external"]) for r in expected]
    code, out = live(sim_cluster, ["lint", "-o", "json", "--min-severity", "warning"])
    assert (code, json.loads(out)["findings"]) == (0, [])
