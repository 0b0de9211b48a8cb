"""The same answers from a cluster that serves what real clusters often leave empty (tests/sim/shapes.py):
no node podCIDR, EndpointSlice serving/terminating nil, no endpoint nodeName/targetRef, LoadBalancer
hostnames instead of IPs, no pod hostIPs. svcdebug (static checks) on every Service of every example."""
import json
import os

import pytest

from tests.conftest import REPO, sim_unavailable, unique_run_name
from tests.support import REAL_SHAPES, run_plugin

pytestmark = pytest.mark.sim
EXAMPLES = sorted(d for d in os.listdir(os.path.join(REPO, "examples")) if os.path.isdir(os.path.join(REPO, "examples", d)))


def answers(capsys, paths: list[str]) -> dict:
    """Service -> (exit code, finding codes) from svcdebug --no-probe on every Service of the cluster."""
    from tests.sim.cluster import SimCluster

    sim = SimCluster.start([os.path.join(REPO, p) for p in paths], name=unique_run_name())
    try:
        found = {}
        for service in sim.store.list("Service"):
            ref = f"{service['metadata']['namespace']}/{service['metadata']['name']}"
            code, out, err = run_plugin(capsys, "svcdebug", ref, "--no-probe", "-o", "json", "--kubeconfig", sim.kubeconfig)
            assert not err, f"{ref}: {err}"
            found[ref] = (code, sorted({f["code"] for f in json.loads(out)["findings"]}))
        return found
    finally:
        sim.stop()


@pytest.mark.parametrize("example", EXAMPLES)
def test_svcdebug_answers_alike_with_real_cluster_shapes(capsys, example):
    reason = sim_unavailable()
    if reason:
        pytest.skip(reason)
    simulator, real = answers(capsys, [f"examples/{example}"]), answers(capsys, [f"examples/{example}", REAL_SHAPES])
    assert simulator and real == simulator
