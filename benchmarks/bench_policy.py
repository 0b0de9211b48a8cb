"""Benchmark the policy engine on synthetic clusters (benchmarks/synthetic.py, fixed seeds).

    python benchmarks/bench_policy.py            # all three measurements
    python benchmarks/bench_policy.py --no-nca   # skip the comparison with network-config-analyzer

1. matrix: 1000 pods x 300 policies, engine + full grid in-process (target < 2 s), and whole
   `kubectl-netpolicy matrix -f FILE` processes with `-o text` (workload grid) and `-o json` (10^6 pairs);
2. check: one pair in a 10,000-pod, 2,000-policy cluster after loading (target < 50 ms);
3. versus NCA: whole-process wall time of our matrix and of `nca --connectivity` on the same YAML
   file, 200 pods x 100 policies (target >= 50x).
"""
import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from benchmarks.synthetic import Shape, generate, write_yaml  # noqa: E402
from netdebug.manifests.loader import load  # noqa: E402
from netdebug.policy.engine import Endpoint, PolicyEngine  # noqa: E402
from netdebug.policy.matrix import compute  # noqa: E402


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def cluster_file(workdir: Path, shape: Shape) -> Path:
    path = workdir / f"cluster-{shape.namespaces}ns-{shape.pods}pods-{shape.policies}pol-seed{shape.seed}.yaml"
    write_yaml(generate(shape), path)
    return path


def installed_env(workdir: Path) -> dict:
    """Run our CLI with compiled bytecode, like an installed copy (and like NCA, whose pip install
    compiled it): this machine sets PYTHONDONTWRITEBYTECODE, which would recompile every module."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(workdir / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_process(argv: list[str], env: dict | None = None) -> float:
    return run_process_cpu(argv, env)[0]


def run_process_cpu(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+sys) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed (exit {done.returncode}): {done.stderr[-400:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def our_matrix_argv(path: Path, output: str = "json") -> list[str]:
    return [sys.executable, str(ROOT / "kubectl-netpolicy"), "matrix", "-f", str(path), "-o", output]


def bench_matrix(workdir: Path, seed: int) -> dict:
    path = cluster_file(workdir, Shape(namespaces=20, pods=1000, policies=300, seed=seed))
    snapshot, load_s = timed(load, [str(path)])
    engine, engine_s = timed(PolicyEngine, snapshot)
    grid, matrix_s = timed(compute, engine, snapshot.of("Pod"))
    text_s = min(run_process(our_matrix_argv(path, "text"), installed_env(workdir)) for _ in range(3))
    json_s = min(run_process(our_matrix_argv(path, "json"), installed_env(workdir)) for _ in range(3))
    return {"pods": 1000, "policies": 300, "classes": len(grid.classes), "load_s": load_s, "engine_s": engine_s,
            "matrix_s": matrix_s, "process_text_s": text_s, "process_json_s": json_s}


def bench_check(workdir: Path, seed: int, pairs: int = 200) -> dict:
    path = cluster_file(workdir, Shape(namespaces=100, pods=10_000, policies=2_000, seed=seed))
    snapshot, load_s = timed(load, [str(path)])
    engine, engine_s = timed(PolicyEngine, snapshot)
    pods, rnd, times = snapshot.of("Pod"), random.Random(seed), []
    for _ in range(pairs):
        source, destination = rnd.sample(pods, 2)
        named = [p["name"] for c in destination["spec"]["containers"] for p in c.get("ports", []) if p.get("protocol") == "TCP"]
        port = rnd.choice([80, 443, 8080, 5432, 9000, *named])
        _, elapsed = timed(lambda: engine.check(Endpoint.for_pod(source), Endpoint.for_pod(destination), port=port))
        times.append(elapsed)
    return {"pods": 10_000, "policies": 2_000, "load_s": load_s, "engine_s": engine_s, "pairs": pairs,
            "check_median_ms": statistics.median(times) * 1000, "check_max_ms": max(times) * 1000}


def bench_nca(workdir: Path, seed: int, nca: str) -> dict:
    path = cluster_file(workdir, Shape(namespaces=10, pods=200, policies=100, seed=seed, nca_compatible=True))
    ours = min(run_process_cpu(our_matrix_argv(path), installed_env(workdir)) for _ in range(3))
    theirs = run_process_cpu([nca, "--connectivity", str(path), "--resource_list", str(path),
                              "-o", "txt_no_fw_rules", "--output_endpoints", "pods"])
    return {"pods": 200, "policies": 100, "ours_wall_s": ours[0], "nca_wall_s": theirs[0],
            "wall_ratio": theirs[0] / ours[0], "ours_cpu_s": ours[1], "nca_cpu_s": theirs[1],
            "cpu_ratio": theirs[1] / ours[1]}


def find_nca() -> str | None:
    for candidate in (os.environ.get("NETDEBUG_NCA"), "/tmp/nca-venv/bin/nca",
                      str(Path.home() / ".cache" / "netdebug" / "nca-venv" / "bin" / "nca")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def report(name: str, result: dict, target: str) -> None:
    values = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items())
    print(f"{name:<8} {values}   [target: {target}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-nca", action="store_true", help="skip the comparison with network-config-analyzer")
    parser.add_argument("--only", choices=("matrix", "check", "vs-nca"), help="run one measurement")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs; seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="netdebug-bench-") as tmp:
        workdir = Path(tmp)
        if args.only in (None, "matrix"):
            report("matrix", bench_matrix(workdir, args.seed), "engine_s + matrix_s < 2")
        if args.only in (None, "check"):
            report("check", bench_check(workdir, args.seed), "check_max_ms < 50")
        nca = None if args.no_nca or args.only not in (None, "vs-nca") else find_nca()
        if nca:
            report("vs-nca", bench_nca(workdir, args.seed, nca), "wall_ratio >= 50")
        elif args.only in (None, "vs-nca"):
            print("vs-nca   skipped: network-config-analyzer not found (python -m venv /tmp/nca-venv && "
                  "/tmp/nca-venv/bin/pip install network-config-analyzer)")


if __name__ == "__main__":
    main()
