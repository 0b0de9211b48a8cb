"""svcdebug against a live cluster: targeted fetch, static checks, then (unless --no-probe) probes."""
from typing import TYPE_CHECKING

from ..diagnose.service import not_found, parse_service_ref
from ..diagnose.service_ports import select_ports
from ..diagnose.svcdebug import ServiceFacts, build_report, gap_notes, static_findings
from ..errors import NotFoundError
from ..policy.istio_authz import ROOT_NAMESPACE
from ..model.findings import has_errors
from ..model.kinds import ADMIN_POLICY_KINDS, ISTIO_POLICY_KINDS, MESH_POLICY_KINDS
from ..model.gaps import require
from ..kube.client import connect
from ..kube.policies import without_unserved
from .refs_live import pod_for
from .svc_fetch import fetch_service_snapshot

if TYPE_CHECKING:  # the probe machinery is imported when probes run: --no-probe starts without it
    from .svc_probes import Progress


def _require_policy_view(snapshot, ns: str, service_ref: str, client_ref: tuple[str, str]) -> None:
    """--from asks whether that client may connect: without the policies or the backends that decide it (and
    no probe to tell), "no problem found" would be a guess."""
    consequence = f"cannot tell whether --from {client_ref[0]}/{client_ref[1]} may reach Service {service_ref}"
    scopes = [("Pod", ns), ("NetworkPolicy", ns), ("NetworkPolicy", client_ref[0])]
    mesh = [(kind, ns) for kind in MESH_POLICY_KINDS] + [(kind, ROOT_NAMESPACE) for kind in ISTIO_POLICY_KINDS]
    for kind, namespace in scopes + mesh + [(kind, None) for kind in ADMIN_POLICY_KINDS]:
        require(snapshot.gaps, kind, namespace, consequence)


def live_report(options, request, progress: "Progress | None" = None) -> dict:
    cluster = connect(options)
    ns, name = parse_service_ref(request.service, cluster.namespace)
    client_ref = pod_for(cluster, request.from_pod, ns, "--from") if request.from_pod else None
    snapshot = fetch_service_snapshot(cluster, ns, name, client_ref, dns=bool(client_ref) or request.probe)
    service = snapshot.get("Service", ns, name)
    if service is None:
        require(snapshot.gaps, "Service", ns, f"cannot check Service {ns}/{name}")
        return build_report(f"{ns}/{name}", [not_found(snapshot, ns, name)], notes=gap_notes(snapshot, ns))
    facts = ServiceFacts.gather(snapshot, service, select_ports(service, request.port))
    from_pod = snapshot.get("Pod", *client_ref) if client_ref else None
    if client_ref and from_pod is None:
        require(snapshot.gaps, "Pod", client_ref[0], f"cannot probe --from {client_ref[0]}/{client_ref[1]}")
        raise NotFoundError(f"--from: pod {client_ref[0]}/{client_ref[1]} not found")
    findings, probes, notes = static_findings(facts, from_pod), [], []
    if from_pod is not None and not request.probe and not has_errors(findings):
        _require_policy_view(snapshot, ns, facts.ref, client_ref)
    if request.probe:
        from .svc_probes import Progress, run_service_probes

        findings, probes, notes = run_service_probes(cluster, facts, findings, from_pod, request.timeout,
                                                     request.ephemeral_image, progress or Progress())
    snapshot.gaps = without_unserved(dict.fromkeys(cluster.gaps))
    return build_report(facts.ref, findings, facts, [r.to_dict() for r in probes], gap_notes(snapshot, ns) + notes)

