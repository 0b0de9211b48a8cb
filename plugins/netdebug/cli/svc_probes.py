"""Live probes for svcdebug: pick the client pods, run the planned probes (batched per pod where a
tool allows), read what refusing pods listen on, and hand everything to the pure conclusions."""
import sys
from concurrent.futures import ThreadPoolExecutor

from ..model.kinds import CLUSTER_DOMAIN, SIDECARS
from ..diagnose.probe_verdicts import ProbeFacts, conclude
from ..diagnose.service_policy import check_pair
from ..diagnose.service_ports import resolve_target_port
from ..diagnose.svc_probe_plan import Client, choose_client_pods, dns_names, plan_probes
from ..diagnose.svcdebug import ServiceFacts
from ..model import objects
from ..probe.model import ProbeSpec
from ..probe.run import run_probes
from ..probe.source import prepare_source
from .svc_evidence import cluster_dns_facts, scan_backend_logs
from .svc_sweep import chunks, dns_batch, python_of, script_for, sweep_tool, tcp_sweep

PARALLEL = 16
BATCH_MIN = 2  # endpoint connects / DNS lookups from one container: from this many on, one exec runs them all


class Progress:
    """One transient status line on stderr while probes run (only on a terminal); notes always."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()

    def note(self, text: str) -> None:
        self.stream.write(f"svcdebug: {text}\n")

    def show(self, text: str) -> None:
        if self.live:
            self.stream.write(f"\r\033[K{text}")
            self.stream.flush()

    def clear(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run_service_probes(cluster, facts: ServiceFacts, from_pod: dict | None, timeout: float,
                       ephemeral_image: str | None, progress: Progress) -> tuple[list, list[dict], list[str]]:
    """(findings, probe result dicts, notes)."""
    ns = objects.namespace(facts.service)
    chosen = choose_client_pods(facts.snapshot.in_namespace("Pod", ns), facts.backends, from_pod)
    if not chosen:
        return [], [], [f"no ready pod to probe from in {ns}: probes skipped (use --from POD)"]
    progress.show(f"svcdebug: preparing {len(chosen)} probe client(s)...")
    with ThreadPoolExecutor(max_workers=4) as pool:
        sources = list(pool.map(lambda item: _source_for(cluster, item[0], ephemeral_image, timeout, progress),
                                chosen))
        clients = [Client(pod, source.container, role) for (pod, role), source in zip(chosen, sources)]
        toolsets = {source.key: source.toolset for source in sources}
        logs = pool.submit(scan_backend_logs, cluster, f"Service {facts.ref}", facts.backends)
        results = _probe(cluster, facts, clients, toolsets, timeout, progress)
        results += _listening(cluster, facts, results, toolsets, timeout)
        log_findings = logs.result()
    progress.clear()
    notes = [note for source in sources if source.ephemeral for note in source.notes]  # no-tool: a finding
    findings = conclude(results, _probe_facts(cluster, facts, clients, results)) + log_findings
    return findings, [r.to_dict() for r in results], notes


def _source_for(cluster, pod: dict, ephemeral_image: str | None, timeout: float, progress: Progress):
    """The pod's own container; an ephemeral one (--ephemeral) only when that container has no tool."""
    source = prepare_source(cluster, pod, None, None, timeout + 2)
    if ephemeral_image and source.toolset.empty and not source.toolset.error:
        return prepare_source(cluster, pod, None, ephemeral_image, timeout + 2, notify=progress.note)
    return source


def _probe(cluster, facts: ServiceFacts, clients: list[Client], toolsets: dict, timeout: float, progress) -> list:
    pods = {objects.ref(p): p for p in facts.snapshot.of("Pod")}
    specs = plan_probes(facts.service, facts.ports, facts.view, clients, pods, CLUSTER_DOMAIN)
    endpoint_ips = {e.ip for e in facts.view.endpoints}
    swept = _batch([s for s in specs if s.kind == "tcp" and s.target in endpoint_ips], toolsets, sweep_tool)
    looked_up = _batch([s for s in specs if s.kind == "dns"], toolsets, python_of)
    single = [s for s in specs if s not in set(swept) | set(looked_up)]
    progress.show(f"svcdebug: running {len(specs)} probes against {facts.ref} (timeout {timeout:g}s)...")
    with ThreadPoolExecutor(max_workers=2) as pool:
        sweeps = pool.submit(_by_source, cluster, swept, toolsets, timeout, sweep_tool, tcp_sweep)
        lookups = pool.submit(_by_source, cluster, looked_up, toolsets, timeout, python_of, dns_batch)
        results = run_probes(cluster, single, timeout, parallel=PARALLEL, toolsets=toolsets)
        results += lookups.result() + sweeps.result()
    order = {spec: index for index, spec in enumerate(specs)}
    results.sort(key=lambda r: order[r.spec])  # the plan's (checklist) order
    return results + _other_domain(cluster, facts, results, toolsets, timeout)


def _batch(specs: list[ProbeSpec], toolsets: dict, tool_of) -> list[ProbeSpec]:
    """The specs worth running as one exec per container: a usable tool and at least BATCH_MIN of them."""
    counts: dict = {}
    for spec in specs:
        counts[spec.source] = counts.get(spec.source, 0) + 1
    return [s for s in specs if counts[s.source] >= BATCH_MIN and tool_of(toolsets[s.source])]


def _by_source(cluster, specs: list[ProbeSpec], toolsets: dict, timeout: float, tool_of, run) -> list:
    """One exec per source container, or more when its targets would make the exec URL too long."""
    groups: dict = {}
    for spec in specs:
        groups.setdefault(spec.source, []).append(spec)
    batches = [batch for group in groups.values()
               for batch in chunks(group, script_for(group[0].kind, tool_of(toolsets[group[0].source])))]
    if not batches:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(batches))) as pool:
        done = pool.map(lambda batch: run(cluster, batch, tool_of(toolsets[batch[0].source]), timeout), batches)
        return [result for results in done for result in results]


def _other_domain(cluster, facts: ServiceFacts, results: list, toolsets: dict, timeout: float) -> list:
    """When a pod's search list shows a cluster domain other than cluster.local, look the FQDN up there too."""
    domain = cluster_domain([r for r in results if r.spec.kind == "resolv"], objects.namespace(facts.service))
    if domain == CLUSTER_DOMAIN:
        return []
    fqdn = f"{objects.name(facts.service)}.{objects.namespace(facts.service)}.svc.{domain}"
    specs = [ProbeSpec("dns", *r.spec.source, fqdn) for r in results if r.spec.kind == "resolv"]
    return run_probes(cluster, specs, timeout, toolsets=toolsets)


def cluster_domain(resolv_results: list, namespace: str) -> str:
    """From a search list like `shop.svc.cluster.local svc.cluster.local cluster.local`."""
    for result in resolv_results:
        for entry in result.search:
            if entry.startswith(f"{namespace}.svc."):
                return entry[len(f"{namespace}.svc."):]
            if entry.startswith("svc."):
                return entry[4:]
    return CLUSTER_DOMAIN


def _listening(cluster, facts: ServiceFacts, results: list, toolsets: dict, timeout: float) -> list:
    """What the pods that refused connections do listen on (read from /proc/net in the pod)."""
    by_ip = {e.ip: e.pod for e in facts.view.endpoints if e.pod}
    refused = sorted({by_ip[r.spec.target] for r in results if r.outcome == "refused" and r.spec.target in by_ip})
    specs = []
    for ref in refused:
        pod = facts.snapshot.get("Pod", *ref.split("/", 1))
        container = _first_container(pod) if pod else None
        if container:
            specs.append(ProbeSpec("listening", objects.namespace(pod), objects.name(pod), container))
    return run_probes(cluster, specs, timeout, toolsets=toolsets) if specs else []


def _first_container(pod: dict) -> str | None:
    names = [c.get("name") for c in objects.pod_containers(pod)]
    return next((n for n in names if n not in SIDECARS), names[0] if names else None)


def _probe_facts(cluster, facts: ServiceFacts, clients: list[Client], results: list) -> ProbeFacts:
    spec = objects.spec(facts.service)
    cluster_ips = set(spec.get("clusterIPs") or []) | ({spec["clusterIP"]} if spec.get("clusterIP") else set())
    domain = cluster_domain([r for r in results if r.spec.kind == "resolv"], objects.namespace(facts.service))
    listening = {f"{r.spec.namespace}/{r.spec.pod}": list(r.sockets) for r in results if r.spec.kind == "listening"
                 and r.outcome not in ("no-tool", "exec-failed", "error")}
    names = dns_names(facts.service, domain)
    dns_failed = any(names.get(r.spec.target) == "cluster-dns" and r.outcome in ("nxdomain", "dns-error", "timeout")
                     for r in results if r.spec.kind == "dns")
    return ProbeFacts(subject=f"Service {facts.ref}", namespace=objects.namespace(facts.service),
                      cluster_ips=frozenset(cluster_ips - {"None"}),
                      endpoint_pods={e.ip: e.pod or e.ip for e in facts.view.endpoints},
                      ready_ips=frozenset(e.ip for e in facts.view.ready),
                      backends=frozenset(objects.ref(p) for p in facts.backends),
                      policy=_policy_map(facts, clients, results), clusterip_policy=_clusterip_policy(facts, clients, results, cluster_ips),
                      dns_names=names, listening=listening,
                      cluster_dns=cluster_dns_facts(cluster) if dns_failed else {},
                      external_name=spec.get("externalName") if spec.get("type") == "ExternalName" else None,
                      headless=spec.get("clusterIP") == "None")


def _policy_map(facts: ServiceFacts, clients: list[Client], results: list) -> dict:
    """(client, endpoint IP, port) -> allowed, for every direct endpoint probe (when policies are readable)."""
    if not facts.snapshot.complete("NetworkPolicy"):
        return {}
    pods = {objects.ref(c.pod): c.pod for c in clients}
    backends = {e.ip: facts.snapshot.get("Pod", *e.pod.split("/", 1)) for e in facts.view.endpoints if e.pod}
    found = {}
    for r in results:
        backend, client = backends.get(r.spec.target), pods.get(f"{r.spec.namespace}/{r.spec.pod}")
        if r.spec.kind in ("tcp", "udp") and backend and client:
            check = check_pair(facts.engine, client, backend, r.spec.port, r.spec.kind.upper())
            found[(objects.ref(client), r.spec.target, r.spec.port)] = check.allowed
    return found


def _clusterip_policy(facts: ServiceFacts, clients: list[Client], results: list, cluster_ips: set) -> dict:
    """(client, Service port) -> the policy checks of that client reaching each ready endpoint (a backend:
    itself included), for every ClusterIP probe: the paths kube-proxy may give it."""
    if not facts.snapshot.complete("NetworkPolicy"):
        return {}
    pods = {objects.ref(c.pod): c.pod for c in clients}
    ready = [p for p in (facts.snapshot.get("Pod", *e.pod.split("/", 1)) for e in facts.view.ready if e.pod) if p]
    found = {}
    for r in (r for r in results if r.spec.kind in ("tcp", "udp") and r.spec.target in cluster_ips):
        pod = pods.get(f"{r.spec.namespace}/{r.spec.pod}")
        port = next((p for p in facts.ports if p.get("port") == r.spec.port
                     and p.get("protocol", "TCP") == r.spec.kind.upper()), None)
        if pod is not None and port is not None:
            found[(objects.ref(pod), r.spec.port)] = [
                check_pair(facts.engine, pod, endpoint, number, port.get("protocol", "TCP"))
                for endpoint in ready if (number := resolve_target_port(port, endpoint)) is not None]
    return found
