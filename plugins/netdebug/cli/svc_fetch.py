"""A targeted Snapshot for one Service, wiring only: the pure read plan (diagnose/svc_read_plan.py)
executed by kube/queries.py, round by round. Forbidden kinds become Gaps on the Snapshot (the checks
then say what they skipped). Where the backends run in a service mesh, its policies too (diagnose/mesh_reads)."""
from ..diagnose.mesh_reads import mesh_reads, reference_reads
from ..diagnose.service import selected_pods
from ..diagnose.svc_read_plan import around_reads, candidate_reads, second_reads
from ..kube.policies import without_unserved
from ..kube.queries import run_queries
from ..model.snapshot import Snapshot


def fetch_service_snapshot(cluster, namespace: str, name: str, client_ref: tuple[str, str] | None = None,
                           dns: bool = False) -> Snapshot:
    """dns: a client will resolve names (--from, or probes): read what the DNS policy check needs."""
    snapshot = Snapshot(origin="live")
    service = cluster.get("Service", namespace, name)
    if service is None:
        snapshot.add_missing(run_queries(cluster, candidate_reads(namespace, name)))
        service = snapshot.get("Service", namespace, name)  # RBAC may allow list but not get
    else:
        snapshot.add(service)
    if service is not None:
        snapshot.add_missing(run_queries(cluster, around_reads(service, client_ref, dns)))
        slices_forbidden = any(g.kind == "EndpointSlice" for g in cluster.gaps)
        snapshot.add_missing(run_queries(cluster, second_reads(snapshot, service, slices_forbidden)))
        snapshot.add_missing(run_queries(cluster, mesh_reads(snapshot, selected_pods(snapshot, service))))
        snapshot.add_missing(run_queries(cluster, reference_reads(snapshot)))
    snapshot.gaps.extend(without_unserved(cluster.gaps))
    return snapshot
