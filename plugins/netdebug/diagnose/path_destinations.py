"""The far end of the walk: a Service and its backends, pods named directly, an address outside the
cluster — the policy and destination hops, and what probes should hit there. Pure."""
from ..errors import InputError
from ..model import objects
from ..policy.engine import Endpoint, PolicyEngine
from . import external, mesh_authz, mesh_tls, path_gaps
from . import service as service_checks
from .hop_destination import destination_hop, outside_destination_hop
from .hop_policy import OUTSIDE_CLIENT, Leg, legs_for_pods, localhost_policy_hop, policy_hop
from .hops import Hop, service_hop, service_port
from .ingress_controllers import controllers_for
from .path_lookup import pod_port, service_target
from .path_report import PathQuery, PathReport


def walk_to_service(snapshot, engine, query: PathQuery, report: PathReport, service: dict,
                     port: int | str | None = None) -> None:
    backends = service_checks.selected_pods(snapshot, service)
    svc_port = None if service_checks.service_type(service) == "ExternalName" else \
        service_port(service, port or query.port or query.target.port, report.protocol)
    hop = service_hop(snapshot, service, svc_port, backends, query.source)
    report.hops.append(hop)
    if svc_port is None:
        return walk_outside(engine, query, report, objects.spec(service).get("externalName", ""), known_ip=False)
    report.port = svc_port.get("port")
    ports = hop.facts["port"]["targetPorts"]
    report.targets["service"] = service_target(service, svc_port)
    _walk_to_backends(snapshot, engine, query, report, backends, ports, svc_port.get("port"))
    path_gaps.doubt_hidden_pods(snapshot, report, service, backends)


def walk_to_pods(snapshot, engine, query: PathQuery, report: PathReport, pods: list[dict]) -> None:
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


def walk_outside(engine, query: PathQuery, report: PathReport, address: str, known_ip: bool = True) -> None:
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



def _source_endpoint(query: PathQuery) -> Endpoint:
    return Endpoint.for_pod(query.source) if query.source else Endpoint.for_ip(OUTSIDE_CLIENT)
