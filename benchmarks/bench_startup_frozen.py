#!/usr/bin/env python3
"""Start-up of the plugins: `python -m` vs the frozen binary vs `kubectl <plugin>` (frozen, via kubectl).

    python benchmarks/bench_startup_frozen.py [--runs 15] [--no-live]

Builds (or reuses) the krew archive, installs it like krew into a temp dir, then times `--help`,
an offline `netpolicy check -f examples/shop` and, when the simulated cluster can run here (root,
iproute2, iptables, dnsmasq), the same check against it. Prints a Markdown table: wall-clock
min / median over the runs, and the children's CPU time per run (less sensitive to a busy machine).
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from krew import build  # noqa: E402
from tests.krew.krewlike import extract  # noqa: E402

CHECK = ["check", "shop/deploy/frontend", "shop/deploy/backend", "--port", "8080"]


def install(archive: Path, into: Path) -> Path:
    """Unpack the archive and link kubectl-netpolicy to its executable (what krew does)."""
    extract(archive, into / "store")
    bin_dir = into / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl-netpolicy").symlink_to(into / "store" / "netdebug" / "netdebug")
    return bin_dir


def measure(argv: list[str], env: dict, runs: int) -> tuple[float, float, float]:
    """(min ms, median ms, CPU ms per run); the command must succeed."""
    walls = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append((time.perf_counter() - started) * 1000)
        if done.returncode:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-300:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000 / runs
    return min(walls), statistics.median(walls), cpu


def ways(bin_dir: Path) -> dict[str, list[str]]:
    kubectl = shutil.which("kubectl", path=os.path.dirname(sys.executable))
    found = {"python -m": [sys.executable, "-m", "netdebug.cli.dispatch", "netpolicy"],
             "frozen": [str(bin_dir / "kubectl-netpolicy")]}
    if kubectl:
        found["kubectl netpolicy"] = [kubectl, "netpolicy"]
    return found


def jobs(kubeconfig: str | None) -> dict[str, list[str]]:
    found = {"--help": ["--help"], "--version": ["--version"],
             "offline check (-f examples/shop)": [*CHECK, "-f", "examples/shop"]}
    if kubeconfig:
        found["live check (simulator)"] = [*CHECK, "--kubeconfig", kubeconfig]
    return found


def start_simulator(name: str) -> str | None:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import sim_unavailable

    reason = sim_unavailable()
    if reason:
        print(f"live check skipped: {reason}", file=sys.stderr)
        return None
    up = subprocess.run([sys.executable, "-m", "tests.sim", "up", "examples/shop", "--name", name],
                        cwd=ROOT, capture_output=True, text=True, check=True)
    return up.stdout.strip()


def table(rows: list[tuple[str, str, tuple]]) -> str:
    lines = ["| job | how | min ms | median ms | CPU ms |", "| --- | --- | ---: | ---: | ---: |"]
    for job, way, (low, median, cpu) in rows:
        lines.append(f"| {job} | {way} | {low:.0f} | {median:.0f} | {cpu:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-live", action="store_true", help="skip the check against the simulator")
    args = parser.parse_args()
    archive = build.build()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_COLOR="1")
    sim_name = f"bench{os.getpid()}"
    kubeconfig = None if args.no_live else start_simulator(sim_name)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bin_dir = install(archive, Path(tmp))
            env["PATH"] = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
            rows = [(job, way, measure(argv + job_args, env, args.runs))
                    for job, job_args in jobs(kubeconfig).items() for way, argv in ways(bin_dir).items()]
    finally:
        if kubeconfig:
            subprocess.run([sys.executable, "-m", "tests.sim", "down", "--name", sim_name], cwd=ROOT,
                           capture_output=True, check=False)
    print(f"{archive.name}, {args.runs} runs each, load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs\n")
    print(table(rows))


if __name__ == "__main__":
    main()
