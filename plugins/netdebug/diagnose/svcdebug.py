"""svcdebug's diagnosis: every static check on one Service, then the report as plain data.

`ServiceFacts` gathers what the checks and the probe conclusions share (ports, endpoints, backends,
the policy engine); `static_findings` runs the checklist; `build_report` orders and summarises.
"""
from dataclasses import dataclass, field

from ..model import objects
from ..model.snapshot import Snapshot
from ..policy.engine import PolicyEngine
from .endpoints import EndpointView, service_endpoints
from ..model.findings import SEVERITIES, Finding, has_errors
from .ingress import ingress_findings, routing_ingresses
from .mesh import mesh_findings
from .svc_mesh import service_mesh_findings
from .service import endpoint_findings, selected_pods, selector_findings, service_type
from .service_policy import default_clients, policies_readable, policy_checks, policy_findings
from .service_ports import port_findings, port_label
from .service_types import itp_local, lb_addresses, type_findings
from .svc_dns import dns_gap_effect, dns_policy_findings

CHECKLIST = (
    "service-not-found", "externalname-unresolvable", "selector-no-match", "selectorless-no-endpoints",
    "no-endpoints", "endpoints-not-ready", "policy-blocks-dns", "dns-down", "dns-service-unresolved", "dns-short-name-other-namespace",
    "dns-short-name-unresolved",
    "target-port-string-number", "named-port-unresolved", "port-protocol-mismatch", "target-port-not-exposed",
    "policy-blocks-ingress", "policy-blocks-egress", "not-listening", "dropped-unexplained", "policy-not-enforced",
    "clusterip-path-broken", "hairpin-broken", "own-service-denied", "udp-unverified", "lb-pending", "etp-local-no-endpoints", "itp-local-no-endpoint",
    "nodeport-facts", "ingress-backend-port-missing", "ingress-class-missing", "ingress-tls-secret-missing",
    "ingress-no-address", "externaldns-no-target", "statefulset-service-not-headless", "headless-service",
    "mesh-mtls-required", "mesh-authz-denied", "mesh-authz-unknown", "mesh-sidecar", "mesh-authz-allowed",
    "backend-log-network-errors", "probe-no-tool", "probe-failed",
)
GAP_EFFECTS = {
    "Event": "readiness-probe Events not read (not-ready reasons come from pod status only)",
    "EndpointSlice": "EndpointSlices not readable: endpoints read from v1 Endpoints (or pod status) instead",
    "NetworkPolicy": "NetworkPolicies not readable: policy checks skipped",
    "Ingress": "Ingresses not readable: Ingress checks skipped",
    "IngressClass": "IngressClasses not readable: ingress-class check skipped",
    "Secret": "Secrets not readable: TLS secret check skipped",
    "Node": "Nodes not readable: node facts and externalTrafficPolicy check incomplete",
    "Pod": "Pods not readable: selector and readiness checks incomplete",
    "PodLog": "container logs not readable: log scan incomplete",
}


@dataclass
class ServiceFacts:
    snapshot: Snapshot
    service: dict
    ports: list[dict]
    view: EndpointView
    backends: list[dict]
    engine: PolicyEngine = field(repr=False, default=None)

    @classmethod
    def gather(cls, snapshot: Snapshot, service: dict, ports: list[dict],
               engine: PolicyEngine | None = None) -> "ServiceFacts":
        """`engine`: one built from this snapshot, shared when many Services are checked at once."""
        return cls(snapshot, service, ports, service_endpoints(snapshot, service), selected_pods(snapshot, service),
                   engine or PolicyEngine(snapshot))

    @property
    def ref(self) -> str:
        return objects.ref(self.service)


def static_findings(facts: ServiceFacts, from_pod: dict | None = None) -> list[Finding]:
    """Every reader (one Service, triage, -f) reads the mesh's policies where the backends are meshed, so
    the ingress controllers' mutual TLS and authorization are judged without --from too."""
    snapshot, service = facts.snapshot, facts.service
    found = selector_findings(snapshot, service, facts.view)
    found += endpoint_findings(snapshot, service, facts.view)
    found += port_findings(service, facts.ports, snapshot)
    found += type_findings(snapshot, service, facts.view) + itp_local(service, facts.view, from_pod)
    if snapshot.complete("Ingress", objects.namespace(service)):
        found += ingress_findings(snapshot, service)
    if policies_readable(snapshot, [service, from_pod]) and facts.backends:
        found += _policy(facts, from_pod)
    found += dns_policy_findings(facts, from_pod)
    found += mesh_findings(service, facts.backends)
    return found + _mesh_clients(facts, from_pod)


def _mesh_clients(facts: ServiceFacts, from_pod: dict | None) -> list[Finding]:
    """Mutual TLS and authorization for the --from pod, else for the ingress controllers routing here
    (the namespace's other pods are no known client: nothing is assumed of them)."""
    if from_pod is None and facts.backends:
        routes = routing_ingresses(facts.snapshot, facts.service)
        clients, kind = default_clients(facts.snapshot, facts.service, [ingress for ingress, _ in routes])
        wanted = [b.get("port") or {} for _, backends in routes for b in backends]
        routed = [p for p in facts.ports if any(w.get("number") == p.get("port") or (w.get("name") and
                                                w.get("name") == p.get("name")) for w in wanted)]
        return service_mesh_findings(facts.snapshot, clients if kind == "ingress controller" else [], routed,
                                     facts.backends)
    return service_mesh_findings(facts.snapshot, [from_pod], facts.ports, facts.backends) if facts.backends and \
        from_pod is not None else []


def _policy(facts: ServiceFacts, from_pod: dict | None) -> list[Finding]:
    if from_pod is not None:
        clients, kind = [from_pod], "--from"
    else:
        routes = routing_ingresses(facts.snapshot, facts.service)
        clients, kind = default_clients(facts.snapshot, facts.service, [ingress for ingress, _ in routes])
    checks = policy_checks(facts.engine, facts.service, facts.ports, clients, facts.backends)
    return policy_findings(facts.service, checks, kind, clients)


def ordered(findings: list[Finding]) -> list[Finding]:
    """By severity, then in checklist order (unknown codes last), stable otherwise."""
    def key(finding: Finding):
        place = CHECKLIST.index(finding.code) if finding.code in CHECKLIST else len(CHECKLIST)
        return SEVERITIES.index(finding.severity), place
    return sorted(findings, key=key)


def gap_notes(snapshot: Snapshot, namespace: str | None = None) -> list[str]:
    """namespace: the Service's; gaps in the cluster DNS's namespace (kube-system) elsewhere touch the DNS check only."""
    notes = []
    for gap in snapshot.gaps:
        effect = dns_gap_effect(gap, namespace) or GAP_EFFECTS.get(gap.kind, f"{gap.kind} not readable")
        notes.append(f"{effect} ({gap.sentence})")
    return notes


def build_report(service_ref: str, findings: list[Finding], facts: ServiceFacts | None = None,
                 probes: list[dict] | None = None, notes: list[str] | None = None) -> dict:
    findings = ordered(findings)
    report = {"service": service_ref, "verdict": verdict(findings), "summary": summary(findings, facts)}
    if facts is not None:
        report.update(_service_facts(facts))
    report["findings"] = [f.to_dict() for f in findings]
    report["probes"] = probes or []
    report["notes"] = notes or []
    return report


def verdict(findings: list[Finding]) -> str:
    if has_errors(findings):
        return "error"
    return "warning" if any(f.severity == "warning" for f in findings) else "ok"


def summary(findings: list[Finding], facts: ServiceFacts | None) -> str:
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"broken: {errors[0].message}{more}"
    endpoints = ""
    if facts is not None and facts.view.source is not None and service_type(facts.service) != "ExternalName":
        endpoints = f"; {len(facts.view.ready)}/{len(facts.view.endpoints)} endpoints ready"
    if warnings:
        return f"works, with {len(warnings)} warning(s){endpoints}"
    return f"no problem found{endpoints}"


def _service_facts(facts: ServiceFacts) -> dict:
    spec = objects.spec(facts.service)
    view = facts.view
    endpoints = {"source": view.source or "unknown"}
    if service_type(facts.service) == "ExternalName":
        endpoints = {"source": "none (ExternalName: DNS alias only)"}
    elif view.source is not None:
        endpoints.update(ready=len(view.ready), total=len(view.endpoints))
    address = spec.get("externalName") if service_type(facts.service) == "ExternalName" else spec.get("clusterIP")
    found = {"type": service_type(facts.service), "address": address or "<unassigned>",
             "ports": [port_label(p) for p in facts.ports], "endpoints": endpoints}
    if service_type(facts.service) == "LoadBalancer" and (lb_addresses(facts.service) or facts.snapshot.origin == "live"):
        found["externalAddresses"] = lb_addresses(facts.service) or ["<pending>"]  # offline: status not known
    return found
