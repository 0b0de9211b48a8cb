"""Mutual TLS between SRC and the destination pods of a service mesh. Pure.

Istio: the PeerAuthentication that applies to a pod (one selecting it in its namespace, else the
namespace-wide one, else the mesh-wide one in the root namespace istio-system; `portLevelMtls` for
the port; PERMISSIVE when none). Linkerd: `config.linkerd.io/default-inbound-policy` on the pod or
its namespace (`all-authenticated`, `deny`). When the destination requires mutual TLS and SRC is not
in that mesh, plain text is reset by the sidecar: expected, and said so instead of a drop. When RBAC
hid what decides the mode (PeerAuthentications, the Namespace's annotation), `unseen` says so.
"""
from ..model import objects
from ..model.findings import Finding
from ..model.gaps import unreadable
from ..model.kinds import SIDECARS
from ..policy.istio_authz import ROOT_NAMESPACE
from ..policy.linkerd_authz import port_name, server_for
from .mesh import mesh_of

LINKERD_POLICY = "config.linkerd.io/default-inbound-policy"
LINKERD_STRICT = ("all-authenticated", "deny")


def path_findings(snapshot, source: dict | None, pods: list[dict], ports: dict) -> list[Finding]:
    found = []
    source_mesh = mesh_of(snapshot, source) if source is not None else None
    for pod in pods:
        mesh = mesh_of(snapshot, pod)
        if mesh is None:
            continue
        if _sidecar_ready(pod) is False:
            found.append(_not_ready(pod, mesh))
        mode, decided_by = required_mtls(snapshot, pod, ports.get(objects.ref(pod)), mesh)
        if mode and source_mesh != mesh:
            found.append(_mtls_required(pod, mesh, mode, decided_by, source))
    return found[:1] + [f for f in found[1:] if f.code != found[0].code]


def unseen(snapshot, source: dict | None, pods: list[dict]) -> str | None:
    """Why we cannot tell whether a meshed destination refuses SRC's plain text (a gap hid it), or None."""
    source_mesh = mesh_of(snapshot, source) if source is not None else None
    for pod in pods:
        mesh = mesh_of(snapshot, pod)
        if mesh is None or mesh == source_mesh:
            continue
        gap = _hidden_mode(snapshot, pod, mesh)
        if gap is not None:
            return f"{gap.sentence}: whether {objects.ref(pod)} accepts plain text from outside its {mesh} mesh is not known"
    return None


def _hidden_mode(snapshot, pod: dict, mesh: str):
    """The gap that hides what decides the pod's mode, or None when what we saw decides it."""
    ns = objects.namespace(pod)
    if mesh == "Linkerd":
        seen = LINKERD_POLICY in objects.annotations(pod) or snapshot.get("Namespace", None, ns) is not None
        return None if seen else unreadable(snapshot.gaps, "Namespace")
    if mesh != "Istio":
        return None
    policy = _peer_authentication(snapshot, pod) if not unreadable(snapshot.gaps, "PeerAuthentication", ns) else None
    if policy is not None and objects.namespace(policy) == ns:
        return None
    return unreadable(snapshot.gaps, "PeerAuthentication", ns) or unreadable(snapshot.gaps, "PeerAuthentication", ROOT_NAMESPACE)


def refuses(snapshot, source: dict | None, pod: dict, port: int | None) -> bool:
    """Does the pod's mesh refuse this client's plain text (mutual TLS required, client not in that mesh)?"""
    mesh = mesh_of(snapshot, pod)
    source_mesh = mesh_of(snapshot, source) if source is not None else None
    return mesh is not None and source_mesh != mesh and required_mtls(snapshot, pod, port, mesh)[0] is not None


def required_mtls(snapshot, pod: dict, port: int | None, mesh: str) -> tuple[str | None, str | None]:
    """(the mode that refuses plain text, the object that says so), or (None, None)."""
    if mesh == "Linkerd":
        if server_for(snapshot, pod, port, port_name(pod, port)) is not None:
            return None, None  # a Server on the port: its authorizations decide, not the default (mesh_authz)
        namespace = snapshot.get("Namespace", None, objects.namespace(pod)) or {}
        policy = objects.annotations(pod).get(LINKERD_POLICY) or objects.annotations(namespace).get(LINKERD_POLICY)
        return (policy, f"annotation {LINKERD_POLICY}") if policy in LINKERD_STRICT else (None, None)
    if mesh != "Istio":
        return None, None
    mode, policy = istio_mode(snapshot, pod, port)
    return ("STRICT", f"PeerAuthentication {objects.ref(policy)}") if mode == "STRICT" else (None, None)


def istio_mode(snapshot, pod: dict, port: int | None) -> tuple[str | None, dict | None]:
    """The Istio mutual-TLS mode for the pod's port (STRICT, PERMISSIVE, DISABLE; None: unset) and its
    PeerAuthentication."""
    policy = _peer_authentication(snapshot, pod)
    if policy is None:
        return None, None
    spec = objects.spec(policy)
    return ((spec.get("portLevelMtls") or {}).get(str(port)) or {}).get("mode") or (spec.get("mtls") or {}).get("mode"), \
        policy


def _peer_authentication(snapshot, pod: dict) -> dict | None:
    labels, here = objects.labels(pod), snapshot.in_namespace("PeerAuthentication", objects.namespace(pod))
    for policy in here:
        wanted = (objects.spec(policy).get("selector") or {}).get("matchLabels") or {}
        if wanted and all(labels.get(k) == v for k, v in wanted.items()):
            return policy
    wide = [p for p in here if not (objects.spec(p).get("selector") or {}).get("matchLabels")]
    wide = wide or [p for p in snapshot.in_namespace("PeerAuthentication", ROOT_NAMESPACE)
                    if not (objects.spec(p).get("selector") or {}).get("matchLabels")]
    return wide[0] if wide else None


def _sidecar_ready(pod: dict) -> bool | None:
    st = objects.status(pod)
    for status in (st.get("containerStatuses") or []) + (st.get("initContainerStatuses") or []):
        if status.get("name") in SIDECARS:
            return bool(status.get("ready"))
    return None


def _not_ready(pod: dict, mesh: str) -> Finding:
    return Finding("mesh-sidecar-not-ready", "error", f"the {mesh} sidecar of {objects.ref(pod)} is not ready: "
                   "traffic to the pod goes through it, so the pod cannot serve", {"pod": objects.ref(pod), "mesh": mesh},
                   "kubectl logs -c the proxy container; check the control plane (istiod / linkerd-destination) and "
                   "the proxy's certificates", f"Pod {objects.ref(pod)}")


def _mtls_required(pod: dict, mesh: str, mode: str, decided_by: str, source: dict | None) -> Finding:
    client = f"{objects.ref(source)} (no {mesh} sidecar)" if source is not None else "a client outside the cluster"
    return Finding("mesh-mtls-required", "error",
                   f"{objects.ref(pod)} accepts only {mesh} mutual TLS ({mode}, {decided_by}) and {client} is "
                   "outside the mesh: plain text is reset by the sidecar after the TCP handshake (expected, not a drop)",
                   {"destination": objects.ref(pod), "mode": mode, "decided by": decided_by, "client": client},
                   f"add the client to the mesh (sidecar injection), or allow plain text for this workload/port "
                   f"({'PeerAuthentication mtls.mode PERMISSIVE, or portLevelMtls' if mesh == 'Istio' else LINKERD_POLICY})",
                   f"Pod {objects.ref(pod)}")
