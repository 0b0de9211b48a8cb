"""A cluster without EndpointSlices (not served: older than discovery.k8s.io/v1; or forbidden to this
user): the v1 Endpoints give the same answers, and say where the endpoints came from."""
import json

import pytest

from tests.support import run_plugin

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["examples/broken-service"], indirect=True)]
WITHOUT_SLICES = {
    "not served": {"verb": "list", "resource": "endpointslices", "action": "absent"},
    "forbidden": {"verb": "list", "resource": "endpointslices", "action": "forbid"},
}
COMMANDS = {
    "triage": ("svcdebug", "-n", "web", "--no-probe"),
    "svcdebug": ("svcdebug", "-n", "web", "worker", "--no-probe"),
    "netpath": ("netpath", "-n", "web", "toolbox", "svc/worker", "--no-probe"),
}


def answers(capsys, sim, fault: dict | None) -> dict:
    """command -> (exit code, the JSON output)."""
    sim.server.set_faults([{"user": "admin", **fault}] if fault else [])
    try:
        found = {}
        for name, (plugin, *args) in COMMANDS.items():
            code, out, err = run_plugin(capsys, plugin, *args, "-o", "json", "--kubeconfig", sim.kubeconfig)
            assert not err, f"{name}: {err}"
            found[name] = (code, json.loads(out))
        return found
    finally:
        sim.server.set_faults([])


def summary(found: dict) -> dict:
    """What must not change: exit codes, finding codes, endpoint counts."""
    triage_code, reports = found["triage"]
    svc_code, report = found["svcdebug"]
    path_code, path = found["netpath"]
    service = next(h for h in path["hops"] if h["name"] == "service")["facts"]["endpoints"]
    return {"triage": (triage_code, [(r["service"], r["verdict"], r["endpoints"].get("ready"), r["endpoints"].get("total"))
                                     for r in reports]),
            "svcdebug": (svc_code, sorted(f["code"] for f in report["findings"]), report["endpoints"].get("ready")),
            "netpath": (path_code, path["verdict"], service["ready"], service["notReady"])}


@pytest.mark.parametrize("how", WITHOUT_SLICES)
def test_v1_endpoints_give_the_same_answers(capsys, sim_cluster, how):
    with_slices = answers(capsys, sim_cluster, None)
    without = answers(capsys, sim_cluster, WITHOUT_SLICES[how])
    assert summary(without) == summary(with_slices)
    assert all(r["endpoints"]["source"] == "Endpoints" for r in without["triage"][1])
    assert without["svcdebug"][1]["endpoints"]["source"] == "Endpoints"
    assert next(h for h in without["netpath"][1]["hops"] if h["name"] == "service")["facts"]["endpoints"]["source"] == "Endpoints"
    assert any(f"list endpointslices in namespace web: {how}" in note for note in without["svcdebug"][1]["notes"])


@pytest.mark.parametrize("subsets, expected", [
    (None, ("no-endpoints", 0, 0)),  # a selector Service whose controller wrote nothing yet
    ([{"addresses": [{"hostname": "no-ip"}], "ports": [{"port": 8080}]}], ("no-endpoints", 0, 0)),
])
def test_odd_v1_endpoints(capsys, sim_cluster, subsets, expected):
    """Read in the fallback: no subsets, or an address without an IP, is no endpoint (not one with address "")."""
    original = sim_cluster.store.get("Endpoints", "web", "worker")
    odd = {**original, "subsets": subsets}
    sim_cluster.store.update(odd)
    try:
        code, report = answers(capsys, sim_cluster, WITHOUT_SLICES["not served"])["svcdebug"]
    finally:
        sim_cluster.store.update(original)
    found = (expected[0] in {f["code"] for f in report["findings"]}, report["endpoints"]["ready"], report["endpoints"]["total"])
    assert (code, found) == (1, (True, *expected[1:]))
