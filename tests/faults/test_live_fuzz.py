"""The live path fuzzed (live_fuzzing.py): odd but well-typed objects served by the simulated API server,
every plugin's live commands on them. CI runs LIVE_EXAMPLES inputs (derandomized); benchmarks/fuzz.py
--live runs many more with a printed seed. Needs no root: only the API server runs, no data plane."""
import pytest
from hypothesis import HealthCheck, given, settings

from .live_fuzzing import LiveServer, base_objects, check, live_commands, odd_clusters

LIVE_EXAMPLES = 150
BASE = base_objects()
SEEN = {"inputs": 0}


@pytest.fixture(scope="module")
def live():
    server = LiveServer()
    yield server
    server.stop()


@settings(max_examples=LIVE_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(cluster=odd_clusters(BASE), command=live_commands())
def fuzz_one(live, cluster, command):
    SEEN["inputs"] += 1
    check(live, cluster, *command)


def test_odd_live_objects_never_crash(live):
    fuzz_one(live)
    assert SEEN["inputs"] >= LIVE_EXAMPLES
