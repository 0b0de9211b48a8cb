"""The hops of a path (source, dns, service, policy, destination), each judged from a Snapshot.

A hop is data: its facts (for the renderer and JSON), a status (ok / fail / unknown), the code
of the finding that decided it, and the findings themselves. Pure: no API calls, no printing.
"""
from dataclasses import dataclass, field, replace

from ..errors import InputError
from ..model import objects
from ..model.gaps import unreadable
from . import dns, service as service_checks
from .endpoints import service_endpoints
from .pod_state import BAD_WAITING
from ..model.findings import Finding
from .service import service_type
from .service_types import itp_local
from .service_ports import port_findings, port_label, resolve_target_port, select_ports, service_ports, target_port

OK, FAIL, UNKNOWN = "ok", "fail", "unknown"


@dataclass
class Hop:
    name: str  # source | dns | entry | service | policy | destination
    status: str = OK
    facts: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    code: str | None = None  # the deciding finding (fail) or why it is unknown
    reason: str = ""  # for unknown: why

    def fail(self, finding: Finding) -> "Hop":
        self.findings.append(finding)
        if self.status != FAIL:
            self.status, self.code, self.reason = FAIL, finding.code, ""
        return self

    def unknown(self, code: str, reason: str) -> "Hop":
        if self.status == OK:
            self.status, self.code, self.reason = UNKNOWN, code, reason
        return self

    def doubt(self, code: str, reason: str) -> "Hop":
        """A gap hid what decides this hop: whatever it concluded becomes unknown, its errors warnings."""
        self.findings = [replace(f, severity="warning") if f.severity == "error" else f for f in self.findings]
        self.status, self.code, self.reason = UNKNOWN, code, reason
        return self

    def judge(self, findings: list[Finding]) -> "Hop":
        """Add findings; the first error-level one fails the hop."""
        for finding in findings:
            if finding.severity == "error":
                self.fail(finding)
            else:
                self.findings.append(finding)
        return self

    def to_dict(self) -> dict:
        data = {"name": self.name, "status": self.status}
        if self.status != OK and self.code:
            data["code"] = self.code
        if self.reason:
            data["reason"] = self.reason
        data["facts"] = self.facts
        return data


def pod_facts(pod: dict) -> dict:
    st, spec = objects.status(pod), objects.spec(pod)
    facts = {"pod": objects.ref(pod), "phase": st.get("phase"), "ready": objects.pod_ready(pod) if st else None,
             "ip": (objects.pod_ips(pod) or [None])[0], "node": spec.get("nodeName"),
             "hostNetwork": bool(spec.get("hostNetwork")), "terminating": objects.meta(pod).get("deletionTimestamp")}
    if not st:
        facts["declared"] = True  # from manifests: no runtime state
    return {k: v for k, v in facts.items() if v is not None}


def source_hop(pod: dict | None, chosen_from: str | None = None, container: str | None = None) -> Hop:
    if pod is None:
        return Hop("source", facts={"external": True})
    hop = Hop("source", facts=pod_facts(pod))
    if chosen_from:
        hop.facts["chosenFrom"] = chosen_from
    if container:
        hop.facts["container"] = container
    if hop.facts.get("declared"):
        return hop
    phase = hop.facts.get("phase")
    waiting = _waiting_container(pod) if phase == "Running" and not hop.facts.get("ready") else None
    if waiting:
        hop.facts["state"] = waiting
    if phase != "Running" or not hop.facts.get("ip") or waiting:
        state = f"{phase}, but {waiting}" if waiting else phase or "not running"
        hop.fail(Finding("source-not-running", "error", f"source pod {objects.ref(pod)} is {state}"
                         f"{'' if hop.facts.get('ip') else ' and has no IP'}", {"phase": phase},
                         "start the source pod first (kubectl describe pod, kubectl logs --previous)",
                         f"Pod {objects.ref(pod)}"))
    return hop


def _waiting_container(pod: dict) -> str | None:
    """`container app CrashLoopBackOff, 7 restarts` when a container cannot run (nothing to exec in)."""
    st = objects.status(pod)
    for status in (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or []):
        reason = ((status.get("state") or {}).get("waiting") or {}).get("reason")
        if reason in BAD_WAITING:
            restarts = status.get("restartCount")
            return f"container {status.get('name')} {reason}" + (f", {restarts} restarts" if restarts else "")
    return None


def dns_hop(snapshot, name: str, pod: dict | None, namespace: str) -> tuple[Hop, dns.DnsAnswer]:
    result = dns.answer(snapshot, name, pod, namespace)
    client = f"Pod {objects.ref(pod)}" if pod else f"namespace {namespace}"
    hidden = unreadable(snapshot.gaps, "Service") if result.kind == "nxdomain" else None
    if hidden is not None:  # no record we can see is no proof there is none
        return Hop("dns", facts=result.to_dict()).unknown("dns-not-visible", f"{hidden.sentence}: the name may resolve"), result
    hop = Hop("dns", facts=result.to_dict()).judge(dns.findings_for(result, client))
    if result.kind == "outside" and hop.status == OK:
        hop.unknown("dns-upstream", "an outside name is answered by the upstream resolvers, not the cluster")
    return hop, result


def service_port(service: dict, wanted: int | str | None, protocol: str) -> dict:
    """The Service port the user means: by number or name; the only one when none is given."""
    ports = [p for p in select_ports(service, None if wanted is None else str(wanted))
             if (p.get("protocol") or "TCP") == protocol]
    if len(ports) != 1:
        have = ", ".join(port_label(p) for p in service_ports(service)) or "none"
        what = "choose one with --port or svc/NAME:PORT" if ports else f"it has no {protocol} port {wanted or ''}"
        raise InputError(f"Service {objects.ref(service)} has ports {have}: {what}")
    return ports[0]


def service_hop(snapshot, service: dict, svc_port: dict | None, backends: list[dict], client: dict | None = None) -> Hop:
    """`client`: the source pod, for what depends on its node (internalTrafficPolicy Local)."""
    spec = objects.spec(service)
    view = service_endpoints(snapshot, service)
    facts = {"service": objects.ref(service), "type": service_type(service), "clusterIP": spec.get("clusterIP"),
             "sessionAffinity": spec.get("sessionAffinity") or "None",
             "internalTrafficPolicy": spec.get("internalTrafficPolicy") or "Cluster",
             "endpoints": {"source": view.source, "ready": len(view.ready),
                           "notReady": len([e for e in view.not_ready if not e.terminating]),
                           "terminating": len([e for e in view.endpoints if e.terminating])}}
    if facts["type"] in ("NodePort", "LoadBalancer"):
        facts["externalTrafficPolicy"] = spec.get("externalTrafficPolicy") or "Cluster"
    if svc_port is not None:
        facts["port"] = port_mapping(service, svc_port, backends)
    if view.source is None:
        facts["endpoints"] = {"source": None, "selectedPods": len(backends)}
    hop = Hop("service", facts=facts)
    hop.judge(service_checks.selector_findings(snapshot, service, view))
    hop.judge(service_checks.endpoint_findings(snapshot, service, view))
    if svc_port is not None:
        hop.judge(port_findings(service, [svc_port], snapshot))
        hop.judge(itp_local(service, view, client))
    if view.source is None and not snapshot.complete("EndpointSlice"):
        gaps = "; ".join(g.sentence for g in snapshot.gaps_for("EndpointSlice") + snapshot.gaps_for("Endpoints"))
        hop.unknown("endpoints-not-visible", f"the Service's endpoints could not be read ({gaps})")
    return hop


def port_mapping(service: dict, svc_port: dict, backends: list[dict]) -> dict:
    """Service port -> targetPort -> the container port on each backend (headless: no remapping)."""
    headless = service_checks.is_headless(service)
    numbers = {objects.ref(p): svc_port.get("port") if headless else resolve_target_port(svc_port, p) for p in backends}
    mapping = {"port": svc_port.get("port"), "name": svc_port.get("name"), "protocol": svc_port.get("protocol") or "TCP",
               "targetPort": target_port(svc_port), "nodePort": svc_port.get("nodePort"), "targetPorts": numbers}
    if headless:
        mapping["headless"] = True
    return {k: v for k, v in mapping.items() if v is not None}
