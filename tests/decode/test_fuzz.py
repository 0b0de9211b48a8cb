"""Property-based fuzzing of every plugin and command over mutated clusters and arguments (issue 14).

CI runs FUZZ_EXAMPLES inputs (derandomized: the same inputs every run); benchmarks/fuzz.py runs
many more with a printed seed. Each input: exit 0/1/2/3 only, no traceback, 1-4 stderr lines on
exit 2, at most fuzzing.SECONDS_PER_INPUT seconds, and memory growth bounded over the whole run.
"""
import resource

from hypothesis import HealthCheck, given, settings

from .fuzzing import check, clusters, command_lines

FUZZ_EXAMPLES = 1000
MAX_GROWTH_KB = 512 * 1024
SEEN = {"inputs": 0}


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(text=clusters(), command=command_lines())
def fuzz_one(tmp_dir, text, command):
    SEEN["inputs"] += 1
    check(tmp_dir / "cluster.yaml", text, *command)


def test_fuzzed_inputs_never_crash(tmp_path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fuzz_one(tmp_path)
    assert SEEN["inputs"] >= FUZZ_EXAMPLES
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert growth < MAX_GROWTH_KB, f"peak memory grew by {growth // 1024} MB"
