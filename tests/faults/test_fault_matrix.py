"""Every API read of every plugin, under every fault: forbidden (403), server error (500), slower than
--request-timeout, connection dropped.

The reads are not listed by hand: each command first runs without faults while the simulated API
server records what it asked for; then each recorded (verb, resource, namespace) fails in each way.
Each case must end with exit 3 and one error line naming the request, or with the fault-free exit
code and a note naming the request in the output. Never a traceback, never "not found".

Some commands run on a cluster that already lacks something (GIVEN: EndpointSlices not served or
forbidden, so the v1 Endpoints fallback runs); those faults stay for every case of the command.
Arguments may name an address the simulator chose (`{ip:ns/pod}`, `{clusterIP:ns/svc}`).

A 403 is tried on every read of every command (what a gap does to the answer is each command's
business). A 500, a timeout or a dropped connection stops a read before any command logic sees it,
so those are tried once per plugin and read: the netpolicy subcommands share one loader.
"""
import re
from dataclasses import dataclass

import pytest

from tests.support import run_plugin

from .harness import reads

SHOP, EXTERNAL, BROKEN = "examples/shop", "examples/external-access", "examples/broken-service"
TIERS = "tests/scenarios/netpath/tiers"  # installs the admin-policy API
MESH = "tests/scenarios/netpath/mesh"  # Istio PeerAuthentications (a CRD) and Linkerd namespaces
MESH_AUTHZ = "tests/scenarios/netpath/mesh-authz-live"  # Istio AuthorizationPolicies, a Linkerd Server
pytestmark = pytest.mark.sim

REQUEST_TIMEOUT = 2.0  # 1 s timed out a plain namespace list on a machine at load 16
ACTIONS = {"forbid": {}, "error": {}, "delay": {"seconds": REQUEST_TIMEOUT + 0.5}, "drop": {}}
COMMANDS = {  # name: (plugin, arguments); on examples/shop, or external-access/broken-service (below)
    "netpath-service": ("netpath", ["shop/deploy/frontend", "svc/backend", "--port", "8080", "--no-probe"]),
    "netpath-pods": ("netpath", ["shop/deploy/frontend", "shop/deploy/backend", "--port", "8080", "--no-probe"]),
    "netpath-dns": ("netpath", ["shop/deploy/frontend", "backend", "--port", "8080", "--no-probe"]),
    "netpath-external": ("netpath", ["external", "http://shop.example.com/", "--no-probe"]),
    "netpath-probes": ("netpath", ["shop/deploy/frontend", "svc/backend", "--port", "8080", "--timeout", "1"]),
    "check": ("netpolicy", ["check", "shop/deploy/frontend", "shop/deploy/backend", "--port", "8080"]),
    "who-can-reach": ("netpolicy", ["who-can-reach", "shop/deploy/backend"]),
    "reachable-from": ("netpolicy", ["reachable-from", "-n", "shop", "db-0"]),
    "matrix": ("netpolicy", ["matrix", "-n", "shop"]),
    "exposure": ("netpolicy", ["exposure", "-n", "store"]),
    "explain": ("netpolicy", ["explain", "-n", "shop", "default-deny-ingress"]),
    "ingress": ("netpolicy", ["ingress", "-n", "store"]),
    "svcdebug": ("svcdebug", ["-n", "store", "site", "--no-probe"]),
    "svcdebug-lb": ("svcdebug", ["-n", "store", "site-lb", "--no-probe"]),
    "svcdebug-not-ready": ("svcdebug", ["-n", "web", "worker", "--no-probe"]),
    "netpath-not-ready": ("netpath", ["-n", "web", "toolbox", "svc/worker", "--no-probe"]),
    "netpath-tiers": ("netpath", ["partners/client", "payments/ledger", "--no-probe"]),
    "check-tiers": ("netpolicy", ["check", "partners/client", "payments/ledger"]),
    "svcdebug-probes": ("svcdebug", ["-n", "shop", "backend", "--timeout", "1"]),
    "svcdebug-no-slices": ("svcdebug", ["-n", "shop", "backend", "--no-probe"]),
    "netpath-no-slices": ("netpath", ["shop/deploy/frontend", "svc/backend", "--port", "8080", "--no-probe"]),
    "svcdebug-slices-forbidden": ("svcdebug", ["-n", "shop", "db", "--no-probe"]),
    "netpath-pod-ip": ("netpath", ["shop/deploy/frontend", "{ip:shop/db-0}", "--port", "5432", "--no-probe"]),
    "netpath-cluster-ip": ("netpath", ["shop/deploy/frontend", "{clusterIP:shop/backend}", "--port", "8080", "--no-probe"]),
    "svcdebug-from-elsewhere": ("svcdebug", ["-n", "shop", "backend", "--from", "monitoring/deploy/prometheus", "--no-probe"]),
    "svcdebug-from-elsewhere-probes": ("svcdebug", ["-n", "shop", "backend", "--from", "monitoring/deploy/prometheus",
                                                    "--timeout", "1"]),
    "svcdebug-triage": ("svcdebug", ["-n", "shop", "--no-probe"]),
    "svcdebug-triage-no-slices": ("svcdebug", ["-n", "shop", "--no-probe"]),
    "netpath-istio": ("netpath", ["mesh/client", "svc/api", "--no-probe"]),
    "netpath-istio-port": ("netpath", ["mesh/client", "open/web", "--port", "9090", "--no-probe"]),
    "netpath-linkerd": ("netpath", ["mesh/client", "emojivoto/voting", "--no-probe"]),
    "netpath-istio-authz": ("netpath", ["shop/orders", "svc/api:http", "--no-probe"]),
    "netpath-linkerd-authz": ("netpath", ["votes/bot", "votes/voting", "--no-probe"]),
    "svcdebug-mesh-authz": ("svcdebug", ["api", "-n", "shop", "--from", "orders", "--port", "http", "--no-probe"]),
}
EXTERNAL_COMMANDS = ("netpath-external", "exposure", "ingress", "svcdebug", "svcdebug-lb")
BROKEN_COMMANDS = ("svcdebug-not-ready", "netpath-not-ready")  # not-ready backends: Events are read too
TIERS_COMMANDS = ("netpath-tiers", "check-tiers")  # admin policies read too
MESH_COMMANDS = ("netpath-istio", "netpath-istio-port", "netpath-linkerd")
MESH_AUTHZ_COMMANDS = ("netpath-istio-authz", "netpath-linkerd-authz", "svcdebug-mesh-authz")
# A probing variant: only the reads its --no-probe twin does not already cover (exec).
TWINS = {"netpath-probes": "netpath-service", "svcdebug-from-elsewhere-probes": "svcdebug-from-elsewhere"}
NO_SLICES = {"verb": "list", "resource": "endpointslices", "action": "absent"}  # a cluster before discovery.k8s.io/v1
GIVEN = {  # faults the cluster has before any case of the command
    "svcdebug-no-slices": [NO_SLICES], "netpath-no-slices": [NO_SLICES], "svcdebug-triage-no-slices": [NO_SLICES],
    "svcdebug-slices-forbidden": [{"verb": "list", "resource": "endpointslices", "namespace": "shop", "action": "forbid"}],
}
ADDRESS = re.compile(r"\{(ip|clusterIP):([^/}]+)/([^}]+)\}")
_baselines: dict = {}
_transport_tried: set = set()  # (cluster, plugin, action, read) already failed by an earlier command


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run(capsys, plugin: str, args: list[str]) -> Run:
    return Run(*run_plugin(capsys, plugin, *args))


def baseline(capsys, sim, name: str):
    """(exit code, reads) of a command without faults, measured once per cluster."""
    if (sim.name, name) not in _baselines:
        plugin, args = command(sim, name)
        sim.server.set_faults(given(name))
        sim.server.take_requests()
        try:
            done = run(capsys, plugin, [*args, *cluster_args(sim)])
        finally:
            sim.server.set_faults([])
        assert not done.stderr, f"{name} without faults: {done.stderr}"
        made = [read for read in reads(sim.server.take_requests()) if not any(matches(f, *read) for f in given(name))]
        _baselines[sim.name, name] = (done.code, made)
    return _baselines[sim.name, name]


def given(name: str) -> list[dict]:
    return [{"user": "admin", **fault} for fault in GIVEN.get(name, [])]


def matches(fault: dict, verb: str, resource: str, namespace: str | None) -> bool:
    return (fault["verb"], fault["resource"]) == (verb, resource) and fault.get("namespace", "*") in ("*", namespace or "")


def command(sim, name: str) -> tuple[str, list[str]]:
    """The plugin and its arguments, with the addresses the simulator chose filled in."""
    plugin, args = COMMANDS[name]
    return plugin, [ADDRESS.sub(lambda m: address(sim, *m.groups()), arg) for arg in args]


def address(sim, field: str, namespace: str, name: str) -> str:
    if field == "ip":
        return sim.store.get("Pod", namespace, name)["status"]["podIP"]
    return sim.store.get("Service", namespace, name)["spec"]["clusterIP"]


def cluster_args(sim) -> list[str]:
    return ["--kubeconfig", sim.kubeconfig, "--request-timeout", str(REQUEST_TIMEOUT)]


def cases(capsys, sim, name: str) -> list[tuple]:
    code, made = baseline(capsys, sim, name)
    covered = set(baseline(capsys, sim, TWINS[name])[1]) if name in TWINS else set()
    return [read for read in made if read not in covered]


def names_the_request(text: str, verb: str, resource: str, namespace: str | None) -> bool:
    """A line that names the verb, the resource and the namespace: ours ("list pods in namespace shop",
    "get services backend in namespace shop") or the RBAC authorizer's own message (exec errors carry it)."""
    ours = rf"\b{verb} {re.escape(resource)}\b[^\n]*" + (rf"in namespace {namespace}\b" if namespace else "")
    theirs = rf'cannot {verb} resource "{re.escape(resource)}"[^\n]*' + (f'namespace "{namespace}"' if namespace else "")
    exec_line = rf"(?=[^\n]*\bexec)[^\n]*\b{namespace}/" if resource == "pods/exec" else None
    return any(re.search(pattern, text) for pattern in (ours, theirs, exec_line) if pattern)


@pytest.mark.parametrize("sim_cluster", [SHOP], indirect=True)
@pytest.mark.parametrize("name", [n for n in COMMANDS if n not in EXTERNAL_COMMANDS + BROKEN_COMMANDS + TIERS_COMMANDS
                                  + MESH_COMMANDS + MESH_AUTHZ_COMMANDS])
def test_every_read_under_every_fault(capsys, sim_cluster, name):
    check_every_read(capsys, sim_cluster, name)


@pytest.mark.parametrize("sim_cluster", [EXTERNAL], indirect=True)
@pytest.mark.parametrize("name", EXTERNAL_COMMANDS)
def test_every_read_under_every_fault_outside_in(capsys, sim_cluster, name):
    check_every_read(capsys, sim_cluster, name)


@pytest.mark.parametrize("sim_cluster", [BROKEN], indirect=True)
@pytest.mark.parametrize("name", BROKEN_COMMANDS)
def test_every_read_under_every_fault_not_ready(capsys, sim_cluster, name):
    check_every_read(capsys, sim_cluster, name)


@pytest.mark.parametrize("sim_cluster", [TIERS], indirect=True)
@pytest.mark.parametrize("name", TIERS_COMMANDS)
def test_every_read_under_every_fault_admin_tiers(capsys, sim_cluster, name):
    check_every_read(capsys, sim_cluster, name)


@pytest.mark.parametrize("sim_cluster", [MESH], indirect=True)
@pytest.mark.parametrize("name", MESH_COMMANDS)
def test_every_read_under_every_fault_service_mesh(capsys, sim_cluster, name):
    check_every_read(capsys, sim_cluster, name)


@pytest.mark.parametrize("sim_cluster", [MESH_AUTHZ], indirect=True)
@pytest.mark.parametrize("name", MESH_AUTHZ_COMMANDS)
def test_every_read_under_every_fault_mesh_authorization(capsys, sim_cluster, name):
    check_every_read(capsys, sim_cluster, name)


def check_every_read(capsys, sim_cluster, name):
    plugin, args = command(sim_cluster, name)
    expected, _ = baseline(capsys, sim_cluster, name)
    failures = []
    for verb, resource, namespace in cases(capsys, sim_cluster, name):
        for action, extra in ACTIONS.items():
            key = (sim_cluster.name, plugin, action, verb, resource, namespace)
            if action != "forbid" and key in _transport_tried:
                continue
            _transport_tried.add(key)
            fault = {"user": "admin", "verb": verb, "resource": resource, "namespace": namespace or "*",
                     "action": action, **extra}
            sim_cluster.server.set_faults([*given(name), fault])
            try:
                done = run(capsys, plugin, [*args, *cluster_args(sim_cluster)])
            finally:
                sim_cluster.server.set_faults([])
            problem = judge(done, expected, action, verb, resource, namespace)
            if problem:
                failures.append(f"{action} {verb} {resource} {namespace or '(cluster)'}: {problem}")
    assert not failures, f"{name}: {len(failures)} bad cases:\n" + "\n".join(failures)


def judge(done, expected: int, action: str, verb: str, resource: str, namespace: str | None) -> str | None:
    """What is wrong with this run, or None."""
    if "Traceback" in done.stderr or "internal error" in done.stderr:
        return f"crashed: {done.stderr.strip()}"
    if done.code == 3:
        lines = done.stderr.strip().splitlines()
        if len(lines) != 1 or not names_the_request(lines[0], verb, resource, namespace):
            return f"exit 3 without one line naming the request: {done.stderr.strip()!r}"
        return None
    if action == "delay" and done.code == expected and not done.stderr:
        return None  # slow, yet answered in time (an exec's stream is not bound by --request-timeout)
    partial = done.code == 1 and "verdict: unknown" in done.stdout  # netpath: exit 1 is "blocked or unknown"
    if done.code != expected and not partial:
        return f"exit {done.code} (expected {expected} or 3): {(done.stderr or done.stdout)[-400:]!r}"
    if not names_the_request(done.stdout + done.stderr, verb, resource, namespace):
        return f"answered (exit {done.code}) without a note naming the request: {done.stdout[-600:]!r}"
    return None


@pytest.mark.parametrize("sim_cluster", [SHOP], indirect=True)
def test_a_slow_server_within_the_timeout_changes_nothing(capsys, sim_cluster):
    """Every read 0.2 s late (under --request-timeout): the same exit codes as without faults."""
    names = ("netpath-service", "check", "who-can-reach")
    sim_cluster.server.set_faults([{"action": "delay", "seconds": 0.2}])
    try:
        got = {name: run(capsys, COMMANDS[name][0], [*COMMANDS[name][1], *cluster_args(sim_cluster)]).code
               for name in names}
    finally:
        sim_cluster.server.set_faults([])
    assert got == {name: baseline(capsys, sim_cluster, name)[0] for name in names}


@pytest.mark.parametrize("sim_cluster", [SHOP], indirect=True)
def test_a_namespace_scoped_role_still_answers_for_its_namespace(capsys, sim_cluster):
    """RBAC that grants one namespace (a Role, not a ClusterRole): lists across namespaces are forbidden,
    so netpolicy reads the namespace in question one by one and says what it could not see elsewhere."""
    cluster_wide = [{"user": "admin", "verb": "list", "resource": kind, "namespace": "", "action": "forbid"}
                    for kind in ("pods", "networkpolicies", "deployments", "statefulsets", "daemonsets", "replicasets")]
    sim_cluster.server.set_faults(cluster_wide)
    try:
        check = run(capsys, "netpolicy", ["check", "-n", "shop", "deploy/frontend", "deploy/backend", "--port", "8080",
                                          *cluster_args(sim_cluster)])
        monitoring = run(capsys, "netpolicy", ["check", "-n", "shop", "monitoring/deploy/prometheus", "deploy/backend",
                                               "--port", "8080", *cluster_args(sim_cluster)])
    finally:
        sim_cluster.server.set_faults([])
    assert (check.code, check.stderr) == (0, ""), check.stderr
    assert "ALLOWED" in check.stdout and "could not list pods outside namespace shop: forbidden" in check.stdout
    assert monitoring.code == 3 and monitoring.stderr.startswith(
        "error: could not list deployments outside namespace shop: forbidden — cannot resolve monitoring/deploy/prometheus")
