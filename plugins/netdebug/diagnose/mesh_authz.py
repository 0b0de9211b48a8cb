"""Service-mesh authorization on a path: Istio AuthorizationPolicy and Linkerd Server authorization
turned into findings for netpath (SRC -> DST) and svcdebug (--from). Pure.

A mesh denial happens after the TCP handshake (the proxy accepts, then answers HTTP 403 "RBAC: access
denied" or resets the connection), so NetworkPolicy may allow a path that still fails. The client's
identity counts only when it is in the same mesh (a sidecar, or Istio ambient) with mutual TLS.
"""
from dataclasses import replace

from ..model import objects
from ..model.findings import Finding
from ..model.gaps import unreadable
from ..model.kinds import LINKERD_AUTHORIZATION_POLICY, LINKERD_POLICY_KINDS
from ..policy import istio_authz, linkerd_authz
from ..policy.mesh_match import Decision, MeshClient
from . import mesh_tls
from .hops import FAIL, OK
from .mesh import mesh_of
from .mesh_authz_text import describe
from .service_ports import resolve_target_port

LINKERD_KINDS = (*LINKERD_POLICY_KINDS, LINKERD_AUTHORIZATION_POLICY)


def mesh_findings(snapshot, client: dict | None, pods: list[dict], ports: dict) -> list[Finding]:
    """Mutual TLS first (a client it refuses never gets as far as authorization), then authorization."""
    refused = {objects.ref(p) for p in pods if mesh_tls.refuses(snapshot, client, p, ports.get(objects.ref(p)))}
    return mesh_tls.path_findings(snapshot, client, pods, ports) + path_findings(snapshot, client, pods, ports, refused)


def service_mesh_findings(snapshot, clients: list[dict], service_ports: list[dict], backends: list[dict]) -> list[Finding]:
    """svcdebug: the same checks for every client and Service port, on the port each backend serves it at;
    clients alike (the replicas of an ingress controller) give one finding per decision."""
    found, said = [], set()
    for client in clients:
        for port in service_ports:
            targets = {objects.ref(p): resolve_target_port(port, p) for p in backends}
            for finding in mesh_findings(snapshot, client, backends, targets):
                key = (finding.code, finding.subject, finding.evidence.get("port"), _identity_key(snapshot, client))
                if key not in said:
                    said.add(key)
                    found.append(finding)
    return found


def _identity_key(snapshot, pod: dict) -> tuple:
    client = mesh_client(snapshot, pod)
    return client.mesh, client.namespace, client.service_account


def mesh_client(snapshot, pod: dict | None) -> MeshClient:
    if pod is None:
        return MeshClient(None, None, None, None, None)
    return MeshClient(objects.ref(pod), (objects.pod_ips(pod) or [None])[0], objects.namespace(pod),
                      objects.spec(pod).get("serviceAccountName") or "default", mesh_of(snapshot, pod))


def decide(snapshot, pod: dict, port: int | None, client: MeshClient) -> Decision | None:
    """What the destination's mesh does with the client's requests to pod:port (None: no mesh, or no
    authorization policy applies). Policies a forbidden read hid make any answer but a DENY unknown."""
    mesh = mesh_of(snapshot, pod)
    if mesh == "Istio":
        nearby = snapshot.in_namespace("AuthorizationPolicy", objects.namespace(pod)) + \
            snapshot.in_namespace("AuthorizationPolicy", istio_authz.ROOT_NAMESPACE)
        decision = istio_authz.evaluate(nearby, pod, port, client)
    elif mesh == "Linkerd":
        decision = linkerd_authz.evaluate(snapshot, pod, port, linkerd_authz.port_name(pod, port), client)
    else:
        return None
    hidden = _hidden(snapshot, pod, mesh)
    if not hidden or (decision is not None and decision.why == "deny-rule-matches"):
        return decision
    return Decision(mesh, "unknown", decision.decided_by if decision else "", why="policies-hidden",
                    unknown=tuple(hidden) + (decision.unknown if decision else ()))


def _hidden(snapshot, pod: dict, mesh: str) -> list[str]:
    """What forbidden reads hid from the pod's authorization (gap sentences)."""
    if mesh == "Istio":
        places = [("AuthorizationPolicy", objects.namespace(pod)), ("AuthorizationPolicy", istio_authz.ROOT_NAMESPACE)]
    else:
        places = [(kind, objects.namespace(pod)) for kind in LINKERD_KINDS]
    return list(dict.fromkeys(gap.sentence for kind, ns in places if (gap := unreadable(snapshot.gaps, kind, ns))))


def path_findings(snapshot, source: dict | None, pods: list[dict], ports: dict, skip=()) -> list[Finding]:
    """One finding per decision (the pods it covers in the evidence); pods in `skip` are explained
    already (mutual TLS refuses the client)."""
    client, grouped = mesh_client(snapshot, source), {}
    for pod in pods:
        if objects.ref(pod) in skip:
            continue
        port = ports.get(objects.ref(pod))
        decision = decide(snapshot, pod, port, client)
        if decision is not None and _worth_saying(decision):
            grouped.setdefault((decision.outcome, decision.decided_by, decision.rule, port), (decision, []))[1].append(pod)
    return [finding(decision, pods_, port, client) for (_, _, _, port), (decision, pods_) in grouped.items()]


def _worth_saying(decision: Decision) -> bool:
    """Denials and unknowns always; an allow only when an allow list is in force (others are denied)."""
    return decision.outcome != "allowed" or bool(decision.allow_lists)


def finding(decision: Decision, pods: list[dict], port: int | None, client: MeshClient) -> Finding:
    code = {"denied": "mesh-authz-denied", "allowed": "mesh-authz-allowed", "unknown": "mesh-authz-unknown"}[
        decision.outcome]
    severity = {"denied": "error", "allowed": "info", "unknown": "warning"}[decision.outcome]
    message, fix = describe(decision, [objects.ref(p) for p in pods], port, client)
    evidence = {"mesh": decision.mesh, "decided by": decision.decided_by or "no policy", "client": _identity(client),
                "pods": [objects.ref(p) for p in pods][:10], "port": port}
    if decision.rule is not None:
        evidence["rule"] = decision.rule
    if decision.allow_lists:
        evidence["allow lists in force" if decision.mesh == "Istio" else "authorizations"] = list(decision.allow_lists)
    if decision.unknown:
        evidence["not evaluated"] = sorted(set(decision.unknown))
    if decision.why == "policies-hidden":
        evidence["hidden"] = True
    return Finding(code, severity, message, evidence, fix, decision.decided_by or f"Pod {objects.ref(pods[0])}")


def hidden(findings: list[Finding]) -> str | None:
    """Why a mesh's answer is not known because a forbidden read hid its policies (for the hop's `?`)."""
    return next((f.message for f in findings if f.code == "mesh-authz-unknown" and f.evidence.get("hidden")), None)


def observe(hop, probes: list[dict]) -> None:
    """What the probes saw of a mesh denial on this hop, as its evidence: a TCP connect that completes is
    expected (the proxy accepts first); HTTP 403 confirms the denial; a 2xx/3xx answer contradicts it, and
    observation beats declaration: the denial becomes a warning and the hop is not failed by it."""
    index = next((i for i, f in enumerate(hop.findings) if f.code == "mesh-authz-denied"), None) if hop else None
    seen = [f"{p['target']}:{p['port']}{p.get('path', '')}: {p['outcome']} {p.get('detail', '')}".strip()
            for p in probes if p.get("kind") in ("tcp", "http") and p.get("outcome") in ("connected", "http")]
    if index is None or not seen:
        return
    finding = hop.findings[index]
    statuses = [p.get("detail") or "" for p in probes if p.get("outcome") == "http"]
    answered = any(s[:1] in ("2", "3") and s for s in statuses)
    note = ("the probes confirm it: HTTP 403" if "403" in statuses else
            "yet HTTP answered: the mesh does not enforce this policy here (not applied yet, or another "
            "proxy setting)" if answered else "TCP connects, as expected: the proxy accepts, then refuses requests")
    hop.findings[index] = replace(finding, message=f"{finding.message}; {note}", severity="warning" if answered
                                  else finding.severity, evidence={**finding.evidence, "observed": seen[:10]})
    if answered and hop.code == "mesh-authz-denied":
        others = [f for f in hop.findings if f.severity == "error"]
        hop.status, hop.code, hop.reason = (FAIL, others[0].code, "") if others else (OK, None, "")


def _identity(client: MeshClient) -> str:
    principal = client.istio_principal() or client.linkerd_identity()
    if client.ref is None:
        return "a client outside the cluster (no mesh identity)"
    return f"{client.ref} ({principal})" if principal else f"{client.ref} (not in a mesh: no identity)"
