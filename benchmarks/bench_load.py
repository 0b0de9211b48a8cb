"""Offline loading speed: `manifests.loader.load` (YAML parse + decode/validation) on synthetic clusters.

    python benchmarks/bench_load.py [--seed 7] [--runs 5]

Prints min / median seconds per size; compare before/after a loader change on an idle machine.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from benchmarks.synthetic import Shape, generate, write_yaml  # noqa: E402
from netdebug.manifests.loader import load  # noqa: E402

SHAPES = (Shape(namespaces=20, pods=1000, policies=300), Shape(namespaces=100, pods=10_000, policies=2_000))


def measure(path: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load([str(path)])
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"seed {args.seed}, {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="netdebug-bench-load-") as tmp:
        for shape in SHAPES:
            shape = Shape(shape.namespaces, shape.pods, shape.policies, seed=args.seed)
            path = Path(tmp) / f"cluster-{shape.pods}.yaml"
            write_yaml(generate(shape), path)
            times = measure(path, args.runs)
            print(f"{shape.pods:>6} pods, {shape.policies:>5} policies, {path.stat().st_size / 1e6:5.1f} MB: "
                  f"min {min(times):.3f} s, median {statistics.median(times):.3f} s", flush=True)


if __name__ == "__main__":
    main()
