"""The large fuzzing run (issue 14): mutated clusters x every plugin command, in-process.

    python benchmarks/fuzz.py [--inputs 10000] [--seed N] [--live]

--live: odd but well-typed objects served by the simulated API server and read by the live path
(tests/faults/live_fuzzing.py; no root needed), instead of mutated files read with -f.

Uses the CI fuzzer (tests/decode/fuzzing.py) with a printed seed; unlike the CI test it does not
stop at the first failure (each failing input is kept in a file it names): it counts internal errors (exit 4 or a traceback), hangs (more than
fuzzing.SECONDS_PER_INPUT s for one input) and other broken promises, and prints the exit code
mix, the slowest input and the process's peak memory.
"""
import argparse
import collections
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

import yaml  # noqa: E402

from tests.decode import fuzzing  # noqa: E402
from tests.faults import live_fuzzing  # noqa: E402


def file_mode(workdir: Path):
    """Mutated cluster files (any text) read with -f."""
    return fuzzing.clusters(), lambda text, command: fuzzing.check(workdir / "cluster.yaml", text, *command)


def _live_text(given) -> str:
    return ("" if given.slices_served else "# served without EndpointSlices (404)\n") + yaml.safe_dump_all(given.objects)


def live_mode():
    """Odd objects served by one simulated API server, read live."""
    server = live_fuzzing.LiveServer()
    return (live_fuzzing.odd_clusters(live_fuzzing.base_objects()),
            lambda given, command: live_fuzzing.check(server, given, *command))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    parser.add_argument("--live", action="store_true", help="serve odd objects live instead of files")
    args = parser.parse_args()
    print(f"seed {args.seed}, {args.inputs} {'live ' if args.live else ''}inputs, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
          flush=True)
    codes, failures, slowest = collections.Counter(), [], (0.0, None)
    workdir = Path(tempfile.mkdtemp(prefix="netdebug-fuzz-"))
    started = time.perf_counter()

    inputs, check = live_mode() if args.live else file_mode(workdir)

    @seed(args.seed)
    @settings(max_examples=args.inputs, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(cluster=inputs, command=fuzzing.command_lines() if not args.live else live_fuzzing.live_commands())
    def one(cluster, command):
        nonlocal slowest
        begin = time.perf_counter()
        try:
            codes[check(cluster, command)] += 1
        except AssertionError as err:
            kept = workdir / f"failure-{len(failures) + 1}.yaml"
            kept.write_text(cluster if isinstance(cluster, str) else _live_text(cluster),
                            encoding="utf-8", errors="surrogatepass")
            failures.append(f"{str(err)[:1500]}\n(input kept in {kept})")
            codes["failed"] += 1
        elapsed = time.perf_counter() - begin
        if elapsed > slowest[0]:
            slowest = (elapsed, command)
        if sum(codes.values()) % 1000 == 0:
            print(f"  {sum(codes.values())} inputs, {time.perf_counter() - started:.0f} s", flush=True)

    one()
    total = sum(codes.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{total} inputs in {time.perf_counter() - started:.0f} s; exit codes "
          f"{dict(sorted(codes.items(), key=str))}; failures {len(failures)} "
          f"(hangs {sum('hang:' in f for f in failures)}, internal errors "
          f"{sum('exit 4' in f or 'Traceback' in f for f in failures)})")
    print(f"slowest input {slowest[0]:.2f} s ({slowest[1]}); peak memory (max RSS) {peak_mb:.0f} MB")
    for failure in failures[:10]:
        print("\nFAILURE", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
