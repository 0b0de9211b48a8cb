"""svcdebug from manifest files (-f): the static checks only (imported when such a run starts)."""
from ..diagnose.service import not_found, parse_service_ref
from ..diagnose.service_ports import select_ports
from ..diagnose.svcdebug import ServiceFacts, build_report, gap_notes, static_findings
from ..model.resolve import Scope, resolve
from .options import ClusterOptions
from .snapshot import load_files

OFFLINE_NOTE = "offline (-f): endpoints, readiness and status (addresses) come from a live cluster; not checked"


def offline_report(options: ClusterOptions, request) -> dict:
    ns, name = parse_service_ref(request.service, options.namespace or "default")
    snapshot = load_files(options.filenames, options.namespace or "default")
    service = snapshot.get("Service", ns, name)
    if service is None:
        return build_report(f"{ns}/{name}", [not_found(snapshot, ns, name)])
    facts = ServiceFacts.gather(snapshot, service, select_ports(service, request.port))
    client = find_pod(snapshot, request.from_pod, ns) if request.from_pod else None
    notes = gap_notes(snapshot, ns) + ([OFFLINE_NOTE] if facts.view.source is None else [])
    return build_report(facts.ref, static_findings(facts, client), facts, notes=notes)


def find_pod(snapshot, ref: str, default_namespace: str) -> dict:
    """--from: a pod or a workload (one of its pods, ready ones first); without a namespace, the Service's."""
    return resolve(snapshot, ref, Scope(default_namespace), "--from").pod
