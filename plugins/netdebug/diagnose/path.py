"""The walk from SRC to DST: source, dns, entry, service, policy, destination — judged from a Snapshot.

Pure. The caller resolves SRC (and DST when it names pods) with model/resolve; everything else
(Services, DNS names, IPs, URLs) is resolved here: the name and the way in here, the far end in
path_destinations. The report also says what probes should hit (`targets`); path_probes turns
observed results into the final verdict.
"""
from ..model import objects
from ..policy.engine import PolicyEngine
from . import dns_policy, external, external_probes, path_gaps
from .hop_entry import entry_hop
from .hops import Hop, dns_hop, source_hop
from .mesh import sidecar_mesh
from .path_destinations import walk_outside, walk_to_pods, walk_to_service
from .path_lookup import find_service, service_by_ip
from .path_report import PathQuery, PathReport


def walk(snapshot, query: PathQuery) -> PathReport:
    source = objects.ref(query.source) if query.source else "external"
    report = PathReport(source, query.target.raw, query.protocol.upper(),
                        target_host=query.target.name if query.target.form == "dns" else None)
    report.hops.append(source_hop(query.source, query.source_from, query.source_container))
    if query.source is not None and sidecar_mesh(query.source):
        report.hops[0].facts["mesh"] = f"{sidecar_mesh(query.source)} (probes leave through its sidecar)"
    engine = PolicyEngine(snapshot)
    if query.source is None:
        _walk_external(snapshot, engine, query, report)
    elif query.destination_pods:
        walk_to_pods(snapshot, engine, query, report, query.destination_pods)
    else:
        _walk_to_name(snapshot, engine, query, report)
    return report


def _walk_to_name(snapshot, engine, query: PathQuery, report: PathReport) -> None:
    target = query.target
    if target.form == "service":
        service = find_service(snapshot, target.namespace or query.namespace, target.name)
        asked = target.name if objects.namespace(service) == objects.namespace(query.source) else \
            f"{target.name}.{objects.namespace(service)}"
        _resolve_name(snapshot, engine, query, report, asked)
        return walk_to_service(snapshot, engine, query, report, service)
    if target.form == "ip":
        service = service_by_ip(snapshot, target.name)
        if service is not None:
            return walk_to_service(snapshot, engine, query, report, service)
        walk_outside(engine, query, report, target.name)
        return path_gaps.doubt_unidentified(snapshot, report, target.name)
    answer = _resolve_name(snapshot, engine, query, report, target.name)
    if answer.kind == "pod":
        pods = [p for p in snapshot.of("Pod") if set(answer.addresses) & set(objects.pod_ips(p))]
        return walk_to_pods(snapshot, engine, query, report, pods) if pods else None
    service = answer.service or _only_other_namespace(snapshot, answer)
    if service is not None and answer.kind != "externalname":
        return walk_to_service(snapshot, engine, query, report, service)
    if answer.kind in ("outside", "externalname"):
        return walk_outside(engine, query, report, answer.cname or answer.name, known_ip=False)
    return None  # the name does not resolve: the dns hop says why; nothing further to judge


def _resolve_name(snapshot, engine, query: PathQuery, report: PathReport, name: str):
    hop, answer = dns_hop(snapshot, name, query.source, objects.namespace(query.source))
    _check_dns_policy(snapshot, engine, query.source, hop)
    report.hops.append(hop)
    report.targets["dns"] = name
    return answer


def _check_dns_policy(snapshot, engine: PolicyEngine, source: dict, hop: Hop) -> None:
    finding = dns_policy.blocked(snapshot, engine, source)
    if finding is not None:
        hop.fail(finding)


def _only_other_namespace(snapshot, answer) -> dict | None:
    """A short name that lives in exactly one other namespace: walk on to it to show the rest."""
    if len(answer.other_namespaces) != 1:
        return None
    return snapshot.get("Service", answer.other_namespaces[0], answer.name)


def _walk_external(snapshot, engine, query: PathQuery, report: PathReport) -> None:
    """From outside: how the name or address gets in (dns, entry), then the Service path as usual."""
    route = external.route(snapshot, query.target, query.namespace)
    if route.host:
        report.hops.append(external_probes.dns_hop(route))
    report.hops.append(entry_hop(snapshot, route, report.protocol, query.target.scheme))
    if route.service is not None:
        walk_to_service(snapshot, engine, query, report, route.service, port=route.port)
    report.targets["external"] = external_probes.targets(snapshot, route, query.target, report)
    report.port = report.targets["external"]["port"]
