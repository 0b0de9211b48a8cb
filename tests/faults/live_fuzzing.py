"""Fuzzing the live path: odd objects served by the simulator's API server, read by the real client.

A real API server only serves objects of the right types (its structs are typed), yet anything
within them: fields left out, empty or null, lists duplicated or emptied, strings and numbers that are
valid types but odd values (ports 0 or 65536, `None`, `0.0.0.0/0` as a name). Each input mutates the
completed examples/shop + odd-shapes cluster that way, keeps kind/namespace/name (the server's key),
serves it (the server fills its defaults again, as kube-apiserver does; one input in four on a server
without EndpointSlices, so the v1 Endpoints fallback reads them) and runs one live command
(no probes) through kube/ and decode/. `check` asserts what must hold for any input: exit 0-3, no
traceback, 1-4 stderr lines on exit 2. Used by test_live_fuzz.py (CI) and benchmarks/fuzz.py --live.
"""
import copy
import os
from dataclasses import dataclass
import tempfile

from hypothesis import strategies as st

from tests.conftest import REPO
from tests.decode.runner import run
from tests.sim import controllers, scenario

SCENARIO = ("examples/shop", "tests/faults/scenarios/odd-shapes")
KEPT = ("kind", "apiVersion", "metadata.name", "metadata.namespace")
STRINGS = ("", "web", "None", "0.0.0.0/0", "10.96.0.1", "::1", "http", "UDP", "SCTP", "Exists", "NotIn",
           "Egress", "ExternalName", "LoadBalancer", "None", "Local", "a" * 63, "odd", "shop", "kube-dns")
NUMBERS = (0, 1, 53, 80, 8080, 9090, 65535, 65536, -1, 2**31)
ENDPOINTS = ("odd/client", "shop/deploy/frontend", "shop/db-0", "odd/web-0", "odd/pending", "odd/leaving",
             "walled/api", "egress-only/db", "monitoring/deploy/prometheus")
DESTINATIONS = ENDPOINTS + ("svc/web", "shop/svc/backend", "odd/svc/headless", "alias", "web.odd", "10.96.0.1",
                            "odd/svc/web-np", "kubernetes.default")
SERVICES = ("odd/web", "odd/empty-selector", "odd/no-selector", "odd/pending", "odd/leaving", "odd/headless",
            "odd/alias", "odd/web-np", "shop/backend", "shop/db", "shop/frontend", "kube-system/kube-dns")
PORTS = ("80", "8080", "http", "5432", "9090")
NO_SLICES = {"user": "*", "verb": "list", "resource": "endpointslices", "action": "absent"}


@dataclass
class LiveInput:
    objects: list[dict]
    slices_served: bool = True  # False: the server answers 404 for EndpointSlices (the v1 Endpoints are read)


def base_objects() -> list[dict]:
    """The completed cluster as the simulator serves it (pods with status, slices, ClusterIPs)."""
    loaded = scenario.load([os.path.join(REPO, p) for p in SCENARIO])
    return controllers.reconcile(loaded.objects)


@st.composite
def odd_clusters(draw, base: list[dict]) -> LiveInput:
    objects = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        obj = draw(st.sampled_from(objects))
        holder, key, path = _place(draw, obj)
        if holder is not None and path not in KEPT:
            _mutate(draw, holder, key)
    if draw(st.integers(0, 4)) == 0:  # a twin EndpointSlice (controller churn, mirroring)
        twin = copy.deepcopy(draw(st.sampled_from([o for o in objects if o["kind"] == "EndpointSlice"])))
        twin["metadata"]["name"] += "-twin"
        objects.append(twin)
    return LiveInput(objects, slices_served=draw(st.integers(0, 3)) > 0)


def _place(draw, value) -> tuple:
    """(holder, key, dotted path of names) somewhere inside the object, by a random walk."""
    holder, key, path = None, None, []
    for _ in range(draw(st.integers(1, 6))):
        if isinstance(value, dict) and value:
            holder, key = value, draw(st.sampled_from(sorted(value)))
            path.append(key)
        elif isinstance(value, list) and value:
            holder, key = value, draw(st.integers(0, len(value) - 1))
        else:
            break
        value = holder[key]
    return holder, key, ".".join(path)


def _mutate(draw, holder, key) -> None:
    """Keep the type (a real server's structs are typed); change, empty, null or drop the value."""
    value = holder[key]
    action = draw(st.sampled_from(("similar", "similar", "empty", "null", "drop")))
    if action == "drop" and isinstance(holder, dict):
        del holder[key]
    elif action == "null" and isinstance(holder, dict):
        holder[key] = None
    elif action == "empty" or isinstance(value, (dict, list)) and not value:
        holder[key] = type(value)() if isinstance(value, (dict, list, str)) else value
    elif isinstance(value, bool):
        holder[key] = not value
    elif isinstance(value, int):
        holder[key] = draw(st.sampled_from(NUMBERS))
    elif isinstance(value, str):
        holder[key] = draw(st.sampled_from(STRINGS))
    elif isinstance(value, list):
        holder[key] = value + value[:1] if draw(st.booleans()) else value[1:]


@st.composite
def live_commands(draw) -> tuple[str, list[str]]:
    plugin = draw(st.sampled_from(("svcdebug", "netpath", "netpath", "netpolicy")))
    port = draw(st.sampled_from([[], *(["--port", p] for p in PORTS)]))
    if plugin == "svcdebug":
        ns, name = draw(st.sampled_from(SERVICES)).split("/")
        extra = draw(st.sampled_from([[], ["--from", draw(st.sampled_from(ENDPOINTS))]]))
        return plugin, ["-n", ns, name, "--no-probe", *extra]
    if plugin == "netpath":
        return plugin, [draw(st.sampled_from(ENDPOINTS)), draw(st.sampled_from(DESTINATIONS)), "--no-probe", *port]
    sub = draw(st.sampled_from(("check", "who-can-reach", "reachable-from", "matrix", "exposure", "ingress")))
    if sub == "check":
        return plugin, [sub, draw(st.sampled_from(ENDPOINTS)), draw(st.sampled_from(ENDPOINTS)), *port]
    if sub in ("who-can-reach", "reachable-from"):
        return plugin, [sub, draw(st.sampled_from(ENDPOINTS))]
    return plugin, [sub, "-n", draw(st.sampled_from(("odd", "shop", "walled")))]


class LiveServer:
    """One simulated API server (no data plane, no root) whose objects each input replaces."""

    def __init__(self):
        from tests.sim.apiserver import Store, start_server

        self.workdir = tempfile.mkdtemp(prefix="netdebug-live-fuzz-")
        self.server = start_server(Store(), _NoExec(), self.workdir)
        self.kubeconfig = str(self.server.kubeconfig)
        self.served: list[tuple] = []

    def serve(self, given: LiveInput) -> int:
        """Replace every object; returns how many the server refused (a shape it cannot hold)."""
        store = self.server.store
        self.server.set_faults([] if given.slices_served else [NO_SLICES])
        for kind, namespace, name in self.served:
            store.delete(kind, namespace, name)
        self.served, refused = [], 0
        for obj in given.objects:
            try:
                stored = store.add(obj)
            except (AttributeError, TypeError, KeyError, ValueError):
                refused += 1  # e.g. a Service port made null: kube-apiserver would refuse it as well
                continue
            self.served.append((stored["kind"], stored["metadata"].get("namespace"), stored["metadata"]["name"]))
        return refused

    def stop(self) -> None:
        self.server.stop()


class _NoExec:
    async def spawn(self, pod, container, argv):
        from tests.sim.apiserver import ExecUnavailable

        raise ExecUnavailable("no runtime in the live fuzzer")

    def logs(self, pod, container):
        return []

    def container_added(self, pod, container):
        return None


def check(live: LiveServer, given: LiveInput, plugin: str, argv: list[str]) -> int:
    """Serve the objects, run the command live; assert the promises that hold for any input."""
    live.serve(given)
    result = run(plugin, *argv, "--kubeconfig", live.kubeconfig, "--request-timeout", "5")
    where = f"{plugin} {argv}: exit {result.code}\n{result.stderr[-2000:]}"
    assert result.code in (0, 1, 2, 3), where
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, where
    if result.code == 2:
        assert 1 <= len(result.stderr.strip().splitlines()) <= 4, where
    return result.code
