"""Properties of the decode layer over arbitrary objects of every kind: it never raises, problems()
names a field for every rejection, and repair() leaves an object problems() accepts."""
import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdebug import decode
from netdebug.decode.kinds import BODIES

from .fuzzing import JUNK, _mutate_object
from .seed_cluster import seed_objects

KINDS = st.sampled_from(sorted(BODIES))


@st.composite
def objects(draw):
    """A seed object (or a bare one of any kind) with a few values replaced by junk."""
    seeds = seed_objects()
    obj = draw(st.one_of(st.sampled_from(seeds), st.builds(lambda kind, body: {"kind": kind, "metadata": {"name": "x"},
                                                                             **body}, KINDS,
                                                            st.dictionaries(st.sampled_from(["spec", "status", "data",
                                                                                             "endpoints", "subsets"]),
                                                                            JUNK, max_size=2))))
    obj = copy.deepcopy(obj)
    for _ in range(draw(st.integers(0, 3))):
        _mutate_object(draw, [obj])
    return obj


@settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(obj=objects())
def test_repair_leaves_what_problems_accepts(obj):
    found = decode.problems(copy.deepcopy(obj))
    assert all(isinstance(path, str) and message for path, message in found)
    repaired, dropped = decode.repair(copy.deepcopy(obj))
    assert (repaired is None) or decode.problems(repaired) == []
    assert bool(found) == bool(dropped)


def test_every_seed_object_is_valid():
    assert [decode.problems(obj) for obj in seed_objects()] == [[]] * len(seed_objects())
