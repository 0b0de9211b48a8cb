"""How long the simulated cluster takes to come up and go down, and the kernel memory it holds.

    sudo python benchmarks/sim_startup.py [PODS ...]              (default: 10 50 200)
    sudo python benchmarks/sim_startup.py --services 1000 [--namespaces 50]

The first form scales one Deployment behind one Service; the second starts the cluster of
benchmarks/triage_cluster.py (many Services in many namespaces, planted faults). Prints one line per
size: total start (scenario load, controllers, data plane, API server), the data plane steps, the
machine's Slab and used memory while it runs (growth over before the start), and stop. Run as root
from the repository root; other work on the machine blurs the memory numbers.
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.triage_cluster import write as write_cluster  # noqa: E402
from tests.sim.cluster import SimCluster  # noqa: E402
from tests.simtests.simnet_support import scaled_scenario  # noqa: E402


def memory_mib() -> dict:
    """Slab and used memory (MemTotal - MemAvailable) from /proc/meminfo, in MiB."""
    with open("/proc/meminfo", encoding="ascii") as stream:
        values = {line.split(":")[0]: int(line.split()[1]) for line in stream}
    return {"slab": values["Slab"] // 1024, "used": (values["MemTotal"] - values["MemAvailable"]) // 1024}


def measure(scenario: str, label: str) -> str:
    before = memory_mib()
    sim = SimCluster.start(scenario, name="benchsim")
    during, steps = memory_mib(), dict(sim.plane.timings)
    started = time.monotonic()
    sim.stop()
    stop = time.monotonic() - started
    return (f"{label}, {len(sim.plane.pods)} pod namespaces: start {sim.startup_seconds:.2f} s (data plane: "
            + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()) + " s cumulative), "
            + f"+{during['slab'] - before['slab']} MiB slab, +{during['used'] - before['used']} MiB used, "
            + f"stop {stop:.2f} s")


def by_pods(pods: int) -> str:
    with tempfile.TemporaryDirectory() as directory:
        scaled_scenario(directory, replicas=pods - 2)
        return measure(directory, f"{pods:4d} pods")


def triage(services: int, namespaces: int) -> str:
    with tempfile.TemporaryDirectory() as directory:
        write_cluster(directory, services, namespaces, seed=1)
        scenario = os.path.join(directory, "cluster")
        return measure(scenario, f"triage cluster, {services} Services in {namespaces} namespaces")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pods", nargs="*", type=int)
    parser.add_argument("--services", type=int)
    parser.add_argument("--namespaces", type=int, default=50)
    args = parser.parse_args()
    SimCluster.start  # noqa: B018 - imports (aiohttp, cryptography) are paid once, before the first size
    if args.services:
        print(triage(args.services, args.namespaces), flush=True)
    for pods in args.pods or ([] if args.services else [10, 50, 200]):
        print(by_pods(pods), flush=True)


if __name__ == "__main__":
    main()
