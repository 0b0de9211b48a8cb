"""Whole-namespace triage: every Service in scope checked from ONE snapshot, then ranked (pure).

The read plan lists each kind once per namespace in scope (once in all with -A), never once per
Service; the checks are svcdebug's own (`static_findings`), with one policy engine shared by all.
"""
from ..model import objects
from ..model.kinds import ADMIN_POLICY_KINDS
from ..model.queries import Query
from ..model.selectors import matches, parse
from ..model.snapshot import Snapshot
from ..policy.engine import PolicyEngine
from .ingress import routing_ingresses
from .ingress_controllers import CONTROLLER_NAMES
from .mesh_reads import mesh_reads
from .service import selected_pods
from .service_ports import select_ports
from .svcdebug import ServiceFacts, build_report, static_findings
from .svc_read_plan import cluster_dns_reads, event_reads

NAMESPACED_READS = ("Service", "EndpointSlice", "Pod", "NetworkPolicy", "Ingress", "StatefulSet")
RANK = {"error": 0, "warning": 1, "ok": 2}
WARNING_EVENTS = "involvedObject.kind=Pod,type=Warning"


def triage_reads(namespaces: list[str] | None, dns: bool = False) -> list[Query]:
    """Round 1: each namespaced kind per namespace (None: one list across all), plus the cluster-wide
    kinds the checks read. O(kinds x namespaces), whatever the number of Services. dns: probes will
    resolve names, so the cluster DNS's pods and policies too (as svcdebug SVC reads them)."""
    scopes = namespaces if namespaces is not None else [None]
    reads = [Query(kind, ns) for kind in NAMESPACED_READS for ns in scopes]
    reads += cluster_dns_reads(namespaces) if dns else []
    return reads + [Query("Namespace"), Query("Node"), Query("IngressClass"), *(Query(k) for k in ADMIN_POLICY_KINDS)]


def second_reads(snapshot: Snapshot, services: list[dict], every_namespace: bool = False,
                 slices_hidden: list[str | None] = ()) -> list[Query]:
    """Round 2, only when something calls for it: the v1 Endpoints where EndpointSlices could not be read
    (`slices_hidden`: namespaces, None for all; forbidden, or a cluster without them), TLS Secrets named
    by Ingresses that route to a Service in scope, the ingress controller pods, the mesh policies where
    backends are meshed, and Warning Events of unready backends (one list across the cluster with -A,
    else per namespace)."""
    reads = [Query("Endpoints", ns) for ns in slices_hidden] + mesh_policy_reads(snapshot, services)
    secrets, unready, routed = set(), {}, False
    for service in services:
        ns = objects.namespace(service)
        for ingress, _ in routing_ingresses(snapshot, service):
            routed = True
            secrets |= {(ns, t["secretName"]) for t in objects.spec(ingress).get("tls") or [] if t.get("secretName")}
        unready.setdefault(ns, []).extend(p for p in selected_pods(snapshot, service) if not objects.pod_ready(p))
    if routed:
        reads.append(Query("Pod", None, label_selector=f"app.kubernetes.io/name in ({','.join(CONTROLLER_NAMES)})"))
    reads += [Query("Secret", ns, name) for ns, name in sorted(secrets)]
    unready = {ns: pods for ns, pods in unready.items() if pods}
    if every_namespace and unready:
        return reads + [Query("Event", None, field_selector=WARNING_EVENTS)]
    for ns, pods in sorted(unready.items()):
        reads += event_reads(ns, list({objects.name(p): p for p in pods}.values()))
    return reads


def mesh_policy_reads(snapshot: Snapshot, services: list[dict]) -> list[Query]:
    """svcdebug's mesh reads (diagnose/mesh_reads) for the backends of every Service in scope: each kind once
    per meshed namespace (also with -A: a Role that grants one namespace still lets them be read)."""
    return mesh_reads(snapshot, [pod for service in services for pod in selected_pods(snapshot, service)])


def services_in_scope(snapshot: Snapshot, namespaces: list[str] | None, selector: str | None) -> list[dict]:
    """The Services to check: in these namespaces (None: all), matching the -l selector, by namespace/name."""
    wanted = parse(selector) if selector else None
    found = [s for s in snapshot.of("Service")
             if (namespaces is None or objects.namespace(s) in namespaces)
             and (wanted is None or matches(wanted, objects.labels(s)))]
    return sorted(found, key=lambda s: (objects.namespace(s), objects.name(s)))


def triage(snapshot: Snapshot, services: list[dict], notes: list[str]) -> list[dict]:
    """One svcdebug report per Service (static checks), every report carrying the shared notes."""
    engine = PolicyEngine(snapshot)
    reports = []
    for service in services:
        facts = ServiceFacts.gather(snapshot, service, select_ports(service, None), engine)
        reports.append(build_report(facts.ref, static_findings(facts), facts, notes=list(notes)))
    return reports


def ranked(reports: list[dict]) -> list[dict]:
    """Errors first, then warnings, then healthy Services; by namespace/name within each."""
    return sorted(reports, key=lambda r: (RANK.get(r["verdict"], 3), r["service"]))


def first_finding(report: dict) -> dict | None:
    return report["findings"][0] if report["findings"] else None
