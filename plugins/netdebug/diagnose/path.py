"""The walk from SRC to DST: source, dns, entry, service, policy, destination — judged from a Snapshot.

Pure. The caller resolves SRC (and DST when it names pods) with model/resolve; everything else
(Services, DNS names, IPs, URLs) is resolved here. The report also says what probes should hit
(`targets`); path_probes turns observed results into the final verdict.
"""
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import objects
from ..policy.engine import Endpoint, PolicyEngine
from . import service as service_checks
from ..model.findings import Finding, by_severity
from . import external, external_probes, mesh_authz, mesh_tls
from .mesh import sidecar_mesh
from .hop_entry import entry_hop
from .ingress_controllers import controllers_for
from .hop_destination import destination_hop, outside_destination_hop
from .hop_policy import OUTSIDE_CLIENT, Leg, legs_for_pods, localhost_policy_hop, policy_hop
from . import dns_policy, path_gaps, path_verdict
from .hops import Hop, dns_hop, service_hop, service_port, source_hop
from .path_lookup import find_service, pod_port, service_by_ip, service_target
from .target import Target



@dataclass
class PathQuery:
    source: dict | None  # the source pod; None for `external`
    target: Target
    destination_pods: list[dict] = field(default_factory=list)  # when DST named pods or a workload
    port: int | str | None = None
    protocol: str = "TCP"
    namespace: str = "default"  # for DST names without a namespace
    source_from: str | None = None  # "Deployment shop/web" when SRC named a workload
    source_container: str | None = None
    to_container: str | None = None


@dataclass
class PathReport:
    source: str
    destination: str
    protocol: str
    port: int | str | None = None
    target_host: str | None = None  # the DNS name of DST (URL host), for HTTP probes
    hops: list[Hop] = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # what probes should hit (see _targets_* below)
    probes: list[dict] = field(default_factory=list)
    observed: str | None = None  # the verdict the probes proved, when they ran
    observations: list[Finding] = field(default_factory=list)  # declared vs observed

    def hop(self, name: str) -> Hop | None:
        return next((h for h in self.hops if h.name == name), None)

    @property
    def verdict(self) -> str:
        return path_verdict.verdict(self)

    @property
    def findings(self) -> list[Finding]:
        return by_severity([f for h in self.hops for f in h.findings] + self.observations)

    def to_dict(self) -> dict:
        return {"source": self.source, "destination": self.destination, "protocol": self.protocol,
                "port": self.port, "verdict": self.verdict, "hops": [h.to_dict() for h in self.hops],
                "findings": [f.to_dict() for f in self.findings], "probes": self.probes}


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
        _walk_to_pods(snapshot, engine, query, report, query.destination_pods)
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
        return _walk_to_service(snapshot, engine, query, report, service)
    if target.form == "ip":
        service = service_by_ip(snapshot, target.name)
        if service is not None:
            return _walk_to_service(snapshot, engine, query, report, service)
        _walk_outside(engine, query, report, target.name)
        return path_gaps.doubt_unidentified(snapshot, report, target.name)
    answer = _resolve_name(snapshot, engine, query, report, target.name)
    if answer.kind == "pod":
        pods = [p for p in snapshot.of("Pod") if set(answer.addresses) & set(objects.pod_ips(p))]
        return _walk_to_pods(snapshot, engine, query, report, pods) if pods else None
    service = answer.service or _only_other_namespace(snapshot, answer)
    if service is not None and answer.kind != "externalname":
        return _walk_to_service(snapshot, engine, query, report, service)
    if answer.kind in ("outside", "externalname"):
        return _walk_outside(engine, query, report, answer.cname or answer.name, known_ip=False)
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


def _walk_to_service(snapshot, engine, query: PathQuery, report: PathReport, service: dict,
                     port: int | str | None = None) -> None:
    backends = service_checks.selected_pods(snapshot, service)
    svc_port = None if service_checks.service_type(service) == "ExternalName" else \
        service_port(service, port or query.port or query.target.port, report.protocol)
    hop = service_hop(snapshot, service, svc_port, backends, query.source)
    report.hops.append(hop)
    if svc_port is None:
        return _walk_outside(engine, query, report, objects.spec(service).get("externalName", ""), known_ip=False)
    report.port = svc_port.get("port")
    ports = hop.facts["port"]["targetPorts"]
    report.targets["service"] = service_target(service, svc_port)
    _walk_to_backends(snapshot, engine, query, report, backends, ports, svc_port.get("port"))
    path_gaps.doubt_hidden_pods(snapshot, report, service, backends)


def _walk_to_pods(snapshot, engine, query: PathQuery, report: PathReport, pods: list[dict]) -> None:
    wanted = query.port or query.target.port
    ports = {objects.ref(p): pod_port(p, wanted, report.protocol, query.to_container) for p in pods}
    if not any(ports.values()):
        raise InputError(f"no container of {objects.ref(pods[0])} declares a {report.protocol} port named {wanted!r}")
    report.port = next((n for n in ports.values() if n), wanted)
    if query.source is not None and pods == [query.source] and (query.to_container or query.source_container):
        report.hops.append(localhost_policy_hop())
        report.hops.append(destination_hop(snapshot, pods, ports, report.protocol, query.to_container))
        report.targets["localhost"] = {"port": report.port, "container": query.to_container}
        return
    _walk_to_backends(snapshot, engine, query, report, pods, ports)


def _walk_to_backends(snapshot, engine, query, report: PathReport, pods: list[dict], ports: dict,
                      service_port: int | None = None) -> None:
    report.hops.append(policy_hop(engine, _source_endpoint(query), legs_for_pods(pods, ports), report.protocol,
                                  service_port))
    destination = destination_hop(snapshot, pods, ports, report.protocol, query.to_container)
    entry = report.hop("entry")
    if entry is None or entry.facts.get("via") != "Ingress":
        _judge_mesh(snapshot, destination, query.source, pods, ports)
    elif _ingress_client(snapshot, entry) is not None:  # the proxy is the client
        _judge_mesh(snapshot, destination, _ingress_client(snapshot, entry), pods, ports)
    report.hops.append(destination)
    report.targets["endpoints"] = [{"pod": objects.ref(p), "ip": (objects.pod_ips(p) or [None])[0],
                                    "port": ports.get(objects.ref(p))} for p in pods]


def _ingress_client(snapshot, entry: Hop) -> dict | None:
    """The ingress controller's pod: behind the Service that owns the Ingress's address, else one of the pods
    of its class's controller (an Ingress without an address yet, or from files)."""
    pod = external.controller_pod(snapshot, entry.facts.get("controller"))
    if pod is None:
        namespace, _, name = entry.facts.get("ingress", "").partition("/")
        ingress = snapshot.get("Ingress", namespace, name)
        pod = next(iter(controllers_for(snapshot, ingress).pods), None) if ingress else None
    return pod


def _judge_mesh(snapshot, destination: Hop, client: dict | None, pods: list[dict], ports: dict) -> None:
    found = mesh_authz.mesh_findings(snapshot, client, pods, ports)
    destination.judge(found)
    hidden = mesh_tls.unseen(snapshot, client, pods)
    if hidden:
        destination.unknown("mesh-mode-not-visible", hidden)
    elif mesh_authz.hidden(found):
        destination.unknown("mesh-authz-not-visible", mesh_authz.hidden(found))


def _walk_outside(engine, query: PathQuery, report: PathReport, address: str, known_ip: bool = True) -> None:
    report.port = query.port or query.target.port
    legs = [Leg(Endpoint.for_ip(address), report.port)] if known_ip else []
    hop = policy_hop(engine, _source_endpoint(query), legs, report.protocol)
    if not known_ip:
        _egress_unknown(engine, query.source, hop)
    report.hops.append(hop)
    report.hops.append(outside_destination_hop(address))
    report.targets["outside"] = {"address": address, "port": report.port}


def _egress_unknown(engine: PolicyEngine, source: dict, hop: Hop) -> None:
    policies = [p.ref for p in engine.policies_selecting(Endpoint.for_pod(source), "egress")]
    hop.facts["egressPolicies"] = policies
    if policies:
        hop.unknown("policy-depends-on-address", "egress is limited by policy and the address the name "
                    "resolves to is not known here")


def _walk_external(snapshot, engine, query: PathQuery, report: PathReport) -> None:
    """From outside: how the name or address gets in (dns, entry), then the Service path as usual."""
    route = external.route(snapshot, query.target, query.namespace)
    if route.host:
        report.hops.append(external_probes.dns_hop(route))
    report.hops.append(entry_hop(snapshot, route, report.protocol, query.target.scheme))
    if route.service is not None:
        _walk_to_service(snapshot, engine, query, report, route.service, port=route.port)
    report.targets["external"] = external_probes.targets(snapshot, route, query.target, report)
    report.port = report.targets["external"]["port"]


def _source_endpoint(query: PathQuery) -> Endpoint:
    return Endpoint.for_pod(query.source) if query.source else Endpoint.for_ip(OUTSIDE_CLIENT)
