"""svcdebug over every Service in scope (-n NS without a name, -l SELECTOR, -A), wiring only: one
snapshot read with one list per kind (diagnose/svc_triage.py plans it and decides), static checks for
all, then probes for the Services that have endpoints, a few Services at a time."""
from concurrent.futures import ThreadPoolExecutor

from ..diagnose.service_ports import select_ports
from ..diagnose.svc_triage import ranked, second_reads, services_in_scope, triage, triage_reads
from ..diagnose.svcdebug import ServiceFacts, build_report, gap_notes, static_findings
from ..model import objects
from ..model.gaps import require
from ..model.snapshot import Snapshot
from .snapshot import load_files
from .svc_offline import OFFLINE_NOTE
from .svc_probes import Progress, run_service_probes

PROBING_SERVICES_AT_ONCE = 4  # each runs its own clients in parallel too; the API server sees ~4x that


def triage_reports(options, request, progress: Progress) -> list[dict]:
    """One svcdebug report per Service in scope, errors first."""
    if options.offline:
        snapshot = load_files(options.filenames, options.namespace or "default")
        namespaces = None if options.all_namespaces else [options.namespace or "default"]
        return ranked(triage(snapshot, services_in_scope(snapshot, namespaces, options.selector), [OFFLINE_NOTE]))
    from ..kube.client import connect  # the kubernetes client: live runs only

    cluster = connect(options)
    namespaces = None if options.all_namespaces else [cluster.namespace]
    snapshot, services = _live_snapshot(cluster, namespaces, options.selector, request.probe)
    if not request.probe:
        return ranked(triage(snapshot, services, gap_notes(snapshot)))
    return ranked(_probed(cluster, snapshot, services, request, progress))


def _live_snapshot(cluster, namespaces: list[str] | None, selector: str | None,
                   dns: bool = False) -> tuple[Snapshot, list[dict]]:
    """dns: probes will run, and their client's DNS policy check reads the cluster DNS's side."""
    from ..diagnose.mesh_reads import reference_reads
    from ..kube.fetch import namespace_by_namespace
    from ..kube.policies import without_unserved
    from ..kube.queries import run_queries

    snapshot, gaps_before = Snapshot(origin="live"), len(cluster.gaps)
    snapshot.add_missing(run_queries(cluster, triage_reads(namespaces, dns)))
    for ns in namespaces or [None]:
        require(cluster.gaps, "Service", ns, f"cannot list the Services {'in ' + ns if ns else 'of the cluster'}")
    services = services_in_scope(snapshot, namespaces, selector)
    if namespaces is None:  # -A with a Role per namespace: the lists it forbade, in the Services' namespaces
        in_use = tuple(dict.fromkeys(objects.namespace(s) for s in services))
        snapshot.add_missing([o for page in namespace_by_namespace(cluster, gaps_before, in_use, None) for o in page])
    slices_hidden = list(dict.fromkeys(g.namespace for g in cluster.gaps if g.kind == "EndpointSlice"))
    snapshot.add_missing(run_queries(cluster, second_reads(snapshot, services, namespaces is None, slices_hidden)))
    snapshot.add_missing(run_queries(cluster, reference_reads(snapshot)))
    snapshot.gaps.extend(without_unserved(cluster.gaps))
    return snapshot, services


def _probed(cluster, snapshot: Snapshot, services: list[dict], request, progress: Progress) -> list[dict]:
    from ..policy.engine import PolicyEngine

    engine, notes, done = PolicyEngine(snapshot), gap_notes(snapshot), []

    def check(service: dict) -> dict:
        facts = ServiceFacts.gather(snapshot, service, select_ports(service, None), engine)
        findings, probes, more = run_service_probes(cluster, facts, static_findings(facts), None, request.timeout,
                                                    request.ephemeral_image, Progress(_NotesOnly(progress.stream)))
        done.append(facts.ref)
        progress.show(f"svcdebug: {len(done)}/{len(services)} Services checked...")
        return build_report(facts.ref, findings, facts, [r.to_dict() for r in probes], notes + more)

    with ThreadPoolExecutor(max_workers=PROBING_SERVICES_AT_ONCE) as pool:
        reports = list(pool.map(check, services))
    progress.clear()
    return reports


class _NotesOnly:
    """Each Service's notes (an ephemeral container added) still reach stderr; its progress line gives
    way to the triage's count."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False
