"""Which service-mesh policies to read for the pods of an answer (pure: Queries for kube/queries.py).

Istio: PeerAuthentication and AuthorizationPolicy in the namespaces of Istio pods (sidecar or ambient)
and in the root namespace. Linkerd: Server, ServerAuthorization, AuthorizationPolicy,
MeshTLSAuthentication and NetworkAuthentication in the namespaces of Linkerd pods; then the
authentications those AuthorizationPolicies name in other namespaces. A cluster without the mesh's
CRDs answers 404: nothing to read, and no gap.
"""
from ..model import objects
from ..model.kinds import ISTIO_POLICY_KINDS, LINKERD_AUTHORIZATION_POLICY
from ..model.queries import Query
from ..policy.istio_authz import ROOT_NAMESPACE
from ..policy.linkerd_authz import is_linkerd
from .mesh import mesh_of

LINKERD_READS = ("Server", "ServerAuthorization", LINKERD_AUTHORIZATION_POLICY, "MeshTLSAuthentication",
                 "NetworkAuthentication")


def mesh_reads(snapshot, pods: list[dict]) -> list[Query]:
    by_mesh: dict[str, set] = {"Istio": set(), "Linkerd": set()}
    for pod in pods:
        mesh = mesh_of(snapshot, pod)
        if mesh in by_mesh:
            by_mesh[mesh].add(objects.namespace(pod))
    istio = sorted(by_mesh["Istio"] | {ROOT_NAMESPACE}) if by_mesh["Istio"] else []
    return [Query(kind, ns) for ns in istio for kind in ISTIO_POLICY_KINDS] + \
        [Query(kind, ns) for ns in sorted(by_mesh["Linkerd"]) for kind in LINKERD_READS]


def reference_reads(snapshot) -> list[Query]:
    """The authentications Linkerd AuthorizationPolicies require from namespaces not read yet."""
    read = {objects.namespace(o) for o in snapshot.of("Server")} | \
        {objects.namespace(p) for p in snapshot.of("AuthorizationPolicy") if is_linkerd(p)}
    wanted = set()
    for policy in (p for p in snapshot.of("AuthorizationPolicy") if is_linkerd(p)):
        for ref in objects.spec(policy).get("requiredAuthenticationRefs") or []:
            ns = ref.get("namespace") or objects.namespace(policy)
            if ref.get("kind") in ("MeshTLSAuthentication", "NetworkAuthentication") and ns not in read:
                wanted.add((ref["kind"], ns))
    return [Query(kind, ns) for kind, ns in sorted(wanted)]
