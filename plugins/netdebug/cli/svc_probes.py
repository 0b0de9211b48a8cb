"""Live probes for svcdebug, wiring only: pick the client pods, run the planned probes through the one
batch runner (probe/batch.py), read what refusing pods listen on, and hand everything to the pure
concluder (diagnose/svc_conclude.py)."""
import sys
from concurrent.futures import ThreadPoolExecutor

from ..diagnose.svc_conclude import conclude_service
from ..diagnose.svc_dns import dns_policy_findings
from ..diagnose.svc_probe_facts import cluster_domain, dns_failed, probe_facts
from ..diagnose.svc_probe_plan import (Client, choose_client_pods, listening_specs, other_domain_specs,
                                       plan_probes)
from ..diagnose.svcdebug import ServiceFacts
from ..model import objects
from ..model.cluster import ClusterRuntime
from ..probe.batch import run_batch
from ..probe.source import choose_container, prepare_source
from .svc_evidence import cluster_dns_facts, scan_backend_logs


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


def run_service_probes(cluster: ClusterRuntime, facts: ServiceFacts, static: list, from_pod: dict | None, timeout: float,
                       ephemeral_image: str | None, progress: Progress) -> tuple[list, list, list[str]]:
    """(all findings: static ones reconciled with what the probes saw, typed ProbeResults, notes)."""
    ns = objects.namespace(facts.service)
    chosen = choose_client_pods(facts.snapshot.in_namespace("Pod", ns), facts.backends, from_pod)
    if not chosen:
        return static, [], [f"no ready pod to probe from in {ns}: probes skipped (use --from POD)"]
    progress.show(f"svcdebug: preparing {len(chosen)} probe client(s)...")
    with ThreadPoolExecutor(max_workers=4) as pool:
        sources = list(pool.map(lambda item: _source_for(cluster, item[0], ephemeral_image, timeout, progress),
                                chosen))
        clients = [Client(pod, source.container, role) for (pod, role), source in zip(chosen, sources)]
        toolsets = {source.key: source.toolset for source in sources}
        logs = pool.submit(scan_backend_logs, cluster, f"Service {facts.ref}", facts.backends)
        progress.show(f"svcdebug: probing {facts.ref} (timeout {timeout:g}s)...")
        results = probe_rounds(cluster, facts, clients, toolsets, timeout)
        log_findings = logs.result()
    progress.clear()
    notes = [note for source in sources if source.ephemeral for note in source.notes]  # no-tool: a finding
    if from_pod is None:  # the first client looks the names up: may it ask the cluster DNS?
        static = static + dns_policy_findings(facts, chosen[0][0], confirmed_later=True)
    dns_evidence = cluster_dns_facts(cluster) if dns_failed(facts, results) else {}
    findings = conclude_service(static, results, probe_facts(facts, clients, results, dns_evidence))
    return findings + log_findings, results, notes


def probe_rounds(cluster: ClusterRuntime, facts: ServiceFacts, clients: list[Client], toolsets: dict, timeout: float) -> list:
    """The planned probes; then the FQDN in another cluster domain and the refusing pods' socket tables."""
    pods = {objects.ref(p): p for p in facts.snapshot.of("Pod")}
    siblings = {(objects.namespace(p), objects.name(p)): [c.get("name") for c in objects.pod_containers(p)]
                for p in pods.values()}
    specs = plan_probes(facts.service, facts.ports, facts.view, clients, pods)
    results = run_batch(cluster, specs, timeout, toolsets)
    resolv = [r for r in results if r.spec.kind == "resolv"]
    more = other_domain_specs(facts.service, resolv, cluster_domain(resolv, objects.namespace(facts.service)))
    more += listening_specs(facts.view, results, pods, choose_container)
    return results + (run_batch(cluster, more, timeout, toolsets, siblings) if more else [])


def _source_for(cluster, pod: dict, ephemeral_image: str | None, timeout: float, progress: Progress):
    """The pod's own container; an ephemeral one (--ephemeral) only when that container has no tool."""
    source = prepare_source(cluster, pod, None, None, timeout + 2)
    if ephemeral_image and source.toolset.empty and not source.toolset.error:
        return prepare_source(cluster, pod, None, ephemeral_image, timeout + 2, notify=progress.note)
    return source
