"""How long the simulated cluster takes to come up and go down, by pod count.

    sudo python benchmarks/sim_startup.py [PODS ...]      (default: 10 50 200)

Prints one line per size: total start (scenario load, controllers, data plane, API server),
the data plane steps, and stop. Run as root from the repository root.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.sim.cluster import SimCluster  # noqa: E402
from tests.simtests.simnet_support import scaled_scenario  # noqa: E402


def measure(pods: int) -> str:
    with tempfile.TemporaryDirectory() as directory:
        scaled_scenario(directory, replicas=pods - 2)
        sim = SimCluster.start(directory, name=f"bench{pods}")
        steps = dict(sim.plane.timings)
        started = time.monotonic()
        sim.stop()
        stop = time.monotonic() - started
    return (f"{pods:4d} pods: start {sim.startup_seconds:.2f} s (data plane: "
            + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()) + f" s cumulative), stop {stop:.2f} s")


def main(sizes: list[int]) -> None:
    SimCluster.start  # noqa: B018 - imports (aiohttp, cryptography) are paid once, before the first size
    for pods in sizes:
        print(measure(pods), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 50, 200])
