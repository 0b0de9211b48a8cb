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
from ..model.selectors import matches
from ..policy import istio_authz, linkerd_authz
from ..policy.mesh_match import Decision, MeshClient
from . import mesh_tls
from .mesh import mesh_of, sidecar_mesh
from .mesh_authz_text import describe
from .service_ports import resolve_target_port

LINKERD_KINDS = (*LINKERD_POLICY_KINDS, LINKERD_AUTHORIZATION_POLICY)
TCP_PROTOCOLS = ("tcp", "tls", "https", "mongo", "mysql", "redis")  # Istio reads these ports as opaque TCP


def mesh_findings(snapshot, client: dict | None, pods: list[dict], ports: dict) -> list[Finding]:
    """Mutual TLS first (a client it refuses never gets as far as authorization), then authorization."""
    refused = {objects.ref(p) for p in pods if mesh_tls.refuses(snapshot, client, p, ports.get(objects.ref(p)))}
    return mesh_tls.path_findings(snapshot, client, pods, ports) + path_findings(snapshot, client, pods, ports, refused)


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
        decision = _waypoint(pod, nearby, istio_authz.evaluate(nearby, pod, port, client, _plain_tcp(snapshot, pod, port)))
    elif mesh == "Linkerd":
        decision = linkerd_authz.evaluate(snapshot, pod, port, linkerd_authz.port_name(pod, port), client)
    else:
        return None
    hidden = _hidden(snapshot, pod, mesh)
    if not hidden or (decision is not None and decision.why == "deny-rule-matches"):
        return decision
    return Decision(mesh, "unknown", decision.decided_by if decision else "", why="policies-hidden",
                    unknown=tuple(hidden) + (decision.unknown if decision else ()))


def _plain_tcp(snapshot, pod: dict, port: int | None) -> bool:
    """Istio's protocol for the port, from the Services that select the pod (appProtocol, else the port
    name's prefix): True when every one says a TCP protocol; unset or HTTP: False (HTTP is sniffed)."""
    said = [(p.get("appProtocol") or p.get("name") or "").lower().split("-")[0]
            for service in snapshot.in_namespace("Service", objects.namespace(pod))
            if objects.spec(service).get("selector") and matches({"matchLabels": objects.spec(service)["selector"]},
                                                                 objects.labels(pod))
            for p in objects.spec(service).get("ports") or [] if resolve_target_port(p, pod) == port]
    return bool(said) and all(protocol in TCP_PROTOCOLS for protocol in said)


def _waypoint(pod: dict, policies: list[dict], decision: Decision | None) -> Decision | None:
    """An ambient pod (no sidecar) may sit behind a waypoint, which enforces the policies bound to it by
    targetRefs: not evaluated, so any answer but a DENY is unknown. A sidecar never enforces those."""
    bound = istio_authz.applicable(policies, pod)[1]
    if sidecar_mesh(pod) is not None or not bound or (decision is not None and decision.why == "deny-rule-matches"):
        return decision
    reasons = tuple(f"AuthorizationPolicy {objects.ref(p)} (targetRefs: enforced by a waypoint)" for p in bound)
    return Decision("Istio", "unknown", decision.decided_by if decision else "", why="waypoint",
                    unknown=reasons + (decision.unknown if decision else ()))


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
        seen = as_seen_by(snapshot, pod, port, client)
        decision = decide(snapshot, pod, port, seen)
        if decision is not None and _worth_saying(decision):
            key = (decision.outcome, decision.decided_by, decision.rule, port, seen.tls)
            grouped.setdefault(key, (decision, [], seen))[1].append(pod)
    return [finding(decision, pods_, key[3], seen) for key, (decision, pods_, seen) in grouped.items()]


def as_seen_by(snapshot, pod: dict, port: int | None, client: MeshClient) -> MeshClient:
    """The client as this pod's proxy sees it: Istio with mutual TLS disabled on the port (PeerAuthentication
    DISABLE) gets plain text, so no identity."""
    if client.mesh == "Istio" and mesh_of(snapshot, pod) == "Istio" and \
            mesh_tls.istio_mode(snapshot, pod, port)[0] == "DISABLE":
        return replace(client, tls=False)
    return client


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


def _identity(client: MeshClient) -> str:
    principal = client.istio_principal() or client.linkerd_identity()
    if client.ref is None:
        return "a client outside the cluster (no mesh identity)"
    if not client.tls:
        return f"{client.ref} (mutual TLS disabled towards this port: no identity)"
    return f"{client.ref} ({principal})" if principal else f"{client.ref} (not in a mesh: no identity)"
