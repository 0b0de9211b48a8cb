#!/usr/bin/env python3
"""Start-up from a checkout (`python -m`): `--help`, offline `check`, live `check`, and what the kubernetes import costs.

    python benchmarks/bench_startup.py [--runs 15] [--kubeconfig PATH | --no-live]

Without --kubeconfig it starts the simulated cluster (examples/shop) when it can run here. The live
check is timed twice: as shipped (netdebug imports only the client modules it needs, see
plugins/netdebug/kube/library.py) and with `import kubernetes` forced first (the whole package with
every generated model), so the difference is the saving. Frozen binaries: bench_startup_frozen.py,
which shares measure/jobs/start_simulator/table with this script.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_startup_frozen import jobs, measure, start_simulator, table  # noqa: E402

DISPATCH = "netdebug.cli.dispatch"
FULL_IMPORT_FIRST = f"import runpy, kubernetes; runpy.run_module({DISPATCH!r}, run_name='__main__', alter_sys=True)"
IMPORTS = {
    "import: netdebug's client subset": "from netdebug.kube import library; library.load()",
    "import: kubernetes (whole package)": "import kubernetes.config, kubernetes.client, kubernetes.stream",
}


def ways() -> dict[str, list[str]]:
    return {"as shipped": [sys.executable, "-m", DISPATCH, "netpolicy"],
            "full `import kubernetes` first": [sys.executable, "-c", FULL_IMPORT_FIRST, "netpolicy"]}


def rows_for(kubeconfig: str | None, env: dict, runs: int) -> list[tuple]:
    rows = [(label, "python -c", measure([sys.executable, "-c", code], env, runs)) for label, code in IMPORTS.items()]
    for job, args in jobs(kubeconfig).items():
        for way, argv in ways().items():
            if way == "as shipped" or job.startswith("live"):
                rows.append((job, way, measure(argv + args, env, runs)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kubeconfig", help="a running simulator's (or any cluster's) kubeconfig for the live check")
    parser.add_argument("--no-live", action="store_true", help="skip the live check")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_COLOR="1")
    sim_name = f"bench-startup{os.getpid()}"
    started = not (args.kubeconfig or args.no_live)
    kubeconfig = None if args.no_live else (args.kubeconfig or start_simulator(sim_name))
    try:
        rows = rows_for(kubeconfig, env, args.runs)
    finally:
        if started and kubeconfig:
            subprocess.run([sys.executable, "-m", "tests.sim", "down", "--name", sim_name], cwd=ROOT,
                           capture_output=True, check=False)
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print(table(rows))


if __name__ == "__main__":
    main()
