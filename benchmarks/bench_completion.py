#!/usr/bin/env python3
"""Shell completion of real names, as kubectl asks for it (`kubectl_complete-netpath ARGS`), end to end,
paired with kubectl's own completion of pod names (`kubectl __complete get pods -n shop fr`).

    python benchmarks/bench_completion.py [--runs 15] [--kubeconfig PATH] [--frozen]

Each run is a fresh process, like every TAB. "cold": Python start, click, the client subset, the
kubeconfig, one call to the API server (the completion memory cannot be written). "warm": the same
question within 10 s (cli/complete_cache.py: no client import, no API call). Without --kubeconfig it
starts the simulated cluster (examples/shop). Bytecode is compiled first (PYTHONDONTWRITEBYTECODE is
dropped), as in an installed copy. Runs are interleaved with kubectl's (bench_startup_frozen.paired):
median (min) wall ms | median CPU ms per side, and the median of the per-pair ratios. --frozen runs the
krew archive's executable (built or reused, installed like krew) as kubectl does: `netdebug PLUGIN
__complete ...`, which is what the kubectl_complete-PLUGIN link runs.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_startup_frozen import describe, install, paired, start_simulator  # noqa: E402
from krew import build  # noqa: E402

DISPATCH = [sys.executable, "-m", "netdebug.cli.dispatch"]
CASES = {
    "pod name (netpath -n shop fr<TAB>)": ["netpath", "__complete", "-n", "shop", "fr"],
    "Service (svcdebug -n shop <TAB>)": ["svcdebug", "__complete", "-n", "shop", ""],
    "port name (svcdebug -n shop backend --port <TAB>)": ["svcdebug", "__complete", "-n", "shop", "backend", "--port", ""],
    "namespace (netpath -n <TAB>)": ["netpath", "__complete", "-n", ""],
    "no API: a subcommand (netpolicy ch<TAB>)": ["netpolicy", "__complete", "ch"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kubeconfig", default=None)
    parser.add_argument("--frozen", action="store_true", help="time the frozen bundle instead of the source")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as place:
        if args.frozen:
            install(build.build(), Path(place))
        compare(args, [str(Path(place) / "store" / "netdebug" / "netdebug")] if args.frozen else DISPATCH)


def compare(args, dispatch: list[str]) -> None:
    started = args.kubeconfig is None
    kubeconfig = args.kubeconfig or start_simulator("bench-completion")
    if kubeconfig is None:
        raise SystemExit("no cluster: pass --kubeconfig or run as root where the simulated cluster works")
    kubectl = shutil.which("kubectl", path=os.path.dirname(sys.executable)) or "kubectl"
    reference = [kubectl, "__complete", "get", "pods", "-n", "shop", "fr"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(KUBECONFIG=kubeconfig, PYTHONPATH=str(ROOT / "plugins"))
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    rows = ["| completion | memory | netdebug: median (min) | CPU | kubectl: median (min) | CPU | ratio |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    try:
        with tempfile.TemporaryDirectory() as cache:
            for name, argv in CASES.items():
                for way, where in (("cold", "/proc/no-cache-here"), ("warm", cache)):
                    samples = paired(dispatch + argv, reference, dict(env, XDG_CACHE_HOME=where), args.runs)
                    rows.append(f"| {name} | {way} | {describe(samples['a'])} | {describe(samples['b'])} | "
                                f"{statistics.median(samples['ratio']):.2f} |")
        print("\n".join(rows))
        print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    finally:
        if started:
            subprocess.run([sys.executable, "-m", "tests.sim", "down", "--name", "bench-completion"], cwd=ROOT,
                           capture_output=True)


if __name__ == "__main__":
    main()
