"""A fake exec runtime behind the small cluster protocol the plugins use (get, list, logs, exec, gaps):
live orchestration tested without root, an API server or network namespaces.

Objects come from a scenario directory completed by the simulator's pure control plane
(tests/sim/controllers.reconcile: pods with IPs, EndpointSlices, ClusterIPs). exec() answers the
commands the probe layer really sends (tool detection, the python probe batch, single python probes,
`cat` of the socket tables and resolv.conf) from a tiny data plane:
- a connect to a ClusterIP goes to the endpoint `pick` chooses (default: the first ready one) on its
  targetPort, as kube-proxy would; a connect to a pod IP is refused unless some container of the pod
  listens there (annotation sim.netdebug.io/listen, as in the simulator), and times out when
  `allow(client pod, server pod, port)` says no (a policy-enforcing CNI);
- names resolve from the Services (short, name.ns, FQDN), `kubernetes.default` too.
Every exec is recorded in `calls`: tests count them (one exec per source container and batch kind).
"""
import json
from pathlib import Path

from netdebug.model import objects
from netdebug.model.exec_result import ExecResult
from netdebug.model.snapshot import Snapshot
from netdebug.probe import scripts
from netdebug.probe.tools import DETECT_SCRIPT
from tests.sim import behaviour, controllers, scenario

DOMAIN = "cluster.local"
TOOL_PATHS = {"python3": "/usr/bin/python3", "cat": "/bin/cat", "nc": "/usr/bin/nc", "getent": "/usr/bin/getent"}


class FakeRuntime:
    def __init__(self, path: str | Path, allow=None, pick=None, tools=("python3", "cat"), extra=()):
        """extra: objects to add to the scenario's (before the control plane completes them)."""
        self.objects = controllers.reconcile(scenario.load(str(path)).objects + list(extra))
        self.allow, self.pick, self.tools = allow or (lambda client, server, port: True), pick, tools
        self.calls: list[tuple] = []
        self.gaps: list = []
        self.namespace = "default"

    def connect(self, options) -> "FakeRuntime":
        """Stands in for kube.client.connect: -n (else "default") is the namespace, as from a kubeconfig."""
        self.namespace = options.namespace or "default"
        return self

    def snapshot(self) -> Snapshot:
        snapshot = Snapshot(origin="live")
        for obj in self.objects:
            snapshot.add(obj)
        return snapshot

    # the cluster protocol ------------------------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        return next((o for o in self.list(kind, namespace) if objects.name(o) == name), None)

    def list(self, kind: str, namespace: str | None = None, label_selector=None, field_selector=None) -> list:
        return [o for o in self.objects if o.get("kind") == kind and namespace in (None, objects.namespace(o))
                and _labels_match(objects.labels(o), label_selector) and _fields_match(o, field_selector)]

    def logs(self, namespace: str, pod: str, container: str, tail_lines: int = 50) -> str:
        """The container's log lines from annotation sim.netdebug.io/logs, as the simulator serves them."""
        found = self.get("Pod", namespace, pod)
        return "\n".join((behaviour.log_lines(found, container) or [])[-tail_lines:]) if found else ""

    def exec(self, namespace: str, pod: str, container: str, argv: list, stdin=None, timeout: float = 5.0):
        self.calls.append((namespace, pod, container, tuple(argv)))
        client = self.get("Pod", namespace, pod)
        if argv == ["sh", "-c", DETECT_SCRIPT]:
            return ExecResult("\n".join(TOOL_PATHS[t] for t in self.tools) + "\n", "", 0)
        if argv[0] == "cat":
            return ExecResult("".join(self._file(client, path) for path in argv[1:]), "", 0)
        if argv[0] == "python3" and "python3" in self.tools:
            lines = stdin.decode().splitlines() if stdin else []
            return ExecResult(self._python(client, argv[2], argv[3:] + lines[1:]), "", 0)
        return ExecResult("", "", None, f'exec: "{argv[0]}": executable file not found in $PATH')

    # the data plane ------------------------------------------------------------------------------------
    def _python(self, client: dict, script: str, args: list) -> str:
        if script == scripts.PY_BATCH:
            return "".join(json.dumps([index, *self._item(client, item)]) + "\n" for index, item in enumerate(args[1:]))
        if script == scripts.PY_TCP:
            return self.tcp_connect(client, args[0], int(args[1])) + "\n"
        if script == scripts.PY_DNS:
            return " ".join(self._lookup(client, args[0])) + "\n"
        raise AssertionError(f"the fake runtime does not know this script: {script[:60]!r}")

    def _item(self, client: dict, item: str) -> tuple[str, str]:
        kind, _, rest = item.partition("|")
        if kind == "file":
            return "read", "".join(self._file(client, path) for path in rest.split(","))
        if kind == "dns":
            return self._lookup(client, rest)
        host, port = rest.rsplit("|", 1)
        return self.tcp_connect(client, host, int(port)), "-"

    def tcp_connect(self, client: dict, host: str, port: int) -> str:
        service = next((s for s in self.list("Service") if objects.spec(s).get("clusterIP") == host), None)
        if service is not None:
            return self._through(client, service, port)
        server = next((p for p in self.list("Pod") if objects.pod_ips(p) and objects.pod_ips(p)[0] == host), None)
        if server is None:
            return "timeout"
        bound = [p for c in objects.pod_containers(server) for p in behaviour.listening(server, c)
                 if p.number == port and p.protocol == "TCP"]
        if not any(p.address in ("0.0.0.0", "::", host) for p in bound):
            return "refused"
        return "connected" if server is client or self.allow(client, server, port) else "timeout"

    def _through(self, client: dict, service: dict, port: int) -> str:
        """kube-proxy: the Service port to one ready endpoint's port (refused when there is none)."""
        wanted = next((p for p in objects.spec(service).get("ports") or [] if p.get("port") == port), None)
        ready = [(e["addresses"][0], next(p["port"] for p in s.get("ports") or [] if p.get("name", "") ==
                                          (wanted or {}).get("name", "")))
                 for s in self.list("EndpointSlice", objects.namespace(service))
                 if (s.get("metadata", {}).get("labels") or {}).get("kubernetes.io/service-name") == objects.name(service)
                 for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready")]
        if wanted is None or not ready:
            return "refused"
        ip, target = ready[self.pick(len(ready)) if self.pick else 0]
        return self.tcp_connect(client, ip, target)

    def _lookup(self, client: dict, name: str) -> tuple[str, str]:
        for service in self.list("Service"):
            ns, svc = objects.namespace(service), objects.name(service)
            if name in (f"{svc}.{ns}", f"{svc}.{ns}.svc.{DOMAIN}") or (name == svc and ns == objects.namespace(client)):
                return "resolved", objects.spec(service).get("clusterIP")
        return ("resolved", "10.96.0.1") if name == "kubernetes.default" else ("nxdomain", "Name or service not known")

    def _file(self, pod: dict, path: str) -> str:
        if path == "/etc/resolv.conf":
            ns = objects.namespace(pod)
            return f"search {ns}.svc.{DOMAIN} svc.{DOMAIN} {DOMAIN}\nnameserver 10.96.0.10\noptions ndots:5\n"
        if path == "/proc/net/tcp":
            header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            ports = [p for c in objects.pod_containers(pod) for p in behaviour.listening(pod, c) if p.protocol == "TCP"]
            return header + "".join(f"   {i}: {_hex(p.address)}:{p.number:04X} 00000000:0000 0A 0 0 0 0 0\n"
                                    for i, p in enumerate(ports))
        return ""


def _labels_match(labels: dict, selector: str | None) -> bool:
    """`k=v` and `k in (a,b)` terms, as the plugins send them."""
    for term in (selector or "").split(",") if selector and " in (" not in selector else [selector or ""]:
        if " in (" in term:
            key, _, values = term.partition(" in (")
            if labels.get(key.strip()) not in values.rstrip(")").split(","):
                return False
        elif "=" in term:
            key, _, value = term.partition("=")
            if labels.get(key) != value:
                return False
    return True


def _fields_match(obj: dict, selector: str | None) -> bool:
    for term in (selector or "").split(","):
        if "=" in term:
            path, _, value = term.partition("=")
            found = obj
            for part in path.split("."):
                found = (found or {}).get(part) if isinstance(found, dict) else None
            if str(found) != value:
                return False
    return True


def _hex(address: str) -> str:
    return "".join(f"{int(part):02X}" for part in reversed(address.split(".")))
