"""One simulated cluster: scenario -> controllers -> Store + data plane + fake API server.

    sim = SimCluster.start("examples/shop", name="demo")
    sim.kubeconfig              # contexts "sim" (admin) and "sim-limited"
    sim.pod_netns("shop/db-0")  # the pod's network namespace
    sim.stop()                  # removes every namespace, process and file of the run
"""
import time

from . import controllers, scenario, shapes
from .registry import Registry, is_stale, runs, sweep


class SimCluster:
    def __init__(self, registry: Registry, loaded: scenario.Scenario, objects: list[dict]):
        self.registry, self.scenario, self.objects = registry, loaded, objects
        self.plane = None
        self.server = None
        self.startup_seconds = None

    @classmethod
    def start(cls, scenario_path: str | list[str], name: str = "sim") -> "SimCluster":
        from .dataplane import DataPlane  # noqa: needs root tools only when really starting
        from . import outside_run
        from .runtime import SimRuntime
        from tests.sim.apiserver import Store, start_server

        started = time.monotonic()
        loaded = scenario.load(scenario_path, served_kinds())
        registry = Registry(name)
        if name in runs():
            _clear_stale(registry)
        sim = cls(registry.create(), loaded, controllers.reconcile(loaded.objects))
        try:
            sim.plane = DataPlane(registry, sim.objects, loaded.enforce_policies)
            sim.plane.up()
            store = Store()
            for obj in sim.objects:
                store.add(shapes.served_form(obj) if loaded.real_shapes else obj)
            sim.server = start_server(store, SimRuntime(sim.plane), registry.dir, faults=loaded.faults,
                                      hidden_groups=loaded.hidden_groups)
            outside_run.start_relay(sim.plane, int(sim.server.url.rsplit(":", 1)[1]))
            registry.set("kubeconfig", str(sim.server.kubeconfig))
        except BaseException:
            sim.stop()
            raise
        sim.startup_seconds = round(time.monotonic() - started, 3)
        return sim

    @property
    def name(self) -> str:
        return self.registry.name

    run_name = name

    @property
    def kubeconfig(self) -> str:
        return str(self.server.kubeconfig)

    @property
    def store(self):
        return self.server.store

    def pod_netns(self, ref: str) -> str | None:
        """The network namespace of pod "ns/name" (for `ip netns exec` in tests)."""
        return self.plane.pod_netns(ref)

    @property
    def outside_netns(self) -> str:
        """The namespace standing for the user's machine: `ip netns exec` it to run a client from outside."""
        return self.plane.outside

    def pods(self, namespace: str | None = None) -> list[dict]:
        return self.store.list("Pod", namespace)

    def stop(self) -> None:
        try:
            if self.server is not None:
                self.server.stop()
        finally:
            self.server = None
            if self.plane is not None:
                self.plane.down()
            else:
                sweep(self.registry.name)


def _clear_stale(registry: Registry) -> None:
    """Sweep what a crashed run of this name left; refuse while its owner still runs."""
    owner = registry.read().get("owner")
    if not is_stale(registry.name):
        raise RuntimeError(f"simulated cluster {registry.name!r} is already up (pid {owner}); "
                           f"use another --name or `python -m tests.sim down --name {registry.name}`")
    sweep(registry.name)


def served_kinds() -> set[str]:
    from tests.sim.apiserver.resources import RESOURCES
    return {resource.kind for resource in RESOURCES}
