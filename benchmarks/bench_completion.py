#!/usr/bin/env python3
"""Shell completion of real names, as kubectl asks for it (`kubectl_complete-netpath ARGS`), end to end.

    python benchmarks/bench_completion.py [--runs 15] [--kubeconfig PATH]

Each run is a fresh process, like every TAB: Python start, click, the client subset, the kubeconfig,
one list call to the API server. Without --kubeconfig it starts the simulated cluster (examples/shop).
Bytecode is compiled once first (PYTHONDONTWRITEBYTECODE is dropped), as in an installed copy.
Prints min / median wall time and CPU per completion.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_startup_frozen import measure, start_simulator, table  # noqa: E402

DISPATCH = [sys.executable, "-m", "netdebug.cli.dispatch"]
CASES = {
    "pod name (netpath -n shop fr<TAB>)": ["netpath", "__complete", "-n", "shop", "fr"],
    "Service (svcdebug -n shop <TAB>)": ["svcdebug", "__complete", "-n", "shop", ""],
    "port name (svcdebug -n shop backend --port <TAB>)": ["svcdebug", "__complete", "-n", "shop", "backend", "--port", ""],
    "namespace (netpath -n <TAB>)": ["netpath", "__complete", "-n", ""],
    "subcommand only, no API (netpolicy ch<TAB>)": ["netpolicy", "__complete", "ch"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kubeconfig", default=None)
    args = parser.parse_args()
    started = args.kubeconfig is None
    kubeconfig = args.kubeconfig or start_simulator("bench-completion")
    if kubeconfig is None:
        raise SystemExit("no cluster: pass --kubeconfig or run as root where the simulated cluster works")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(KUBECONFIG=kubeconfig, PYTHONPATH=str(ROOT / "plugins"))
    try:
        first = subprocess.run(DISPATCH + CASES[next(iter(CASES))], env=env, capture_output=True, text=True)
        print(f"candidates: {first.stdout.split()}", file=sys.stderr)
        rows = [(name, "", measure(DISPATCH + argv, env, args.runs)) for name, argv in CASES.items()]
        print(table(rows))
    finally:
        if started:
            subprocess.run([sys.executable, "-m", "tests.sim", "down", "--name", "bench-completion"], cwd=ROOT,
                           capture_output=True)


if __name__ == "__main__":
    main()
