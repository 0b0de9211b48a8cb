"""Whether one Linkerd authorization admits a client, three-valued. Pure.

ServerAuthorization: `client.networks` (default: every network) and either `unauthenticated` or
`meshTLS` (identities, serviceAccounts; neither: any meshed client). AuthorizationPolicy: every entry of
`requiredAuthenticationRefs` must hold (none: unauthenticated clients too): MeshTLSAuthentication
(identities, identityRefs), NetworkAuthentication (networks), ServiceAccount. A reference to an object
that does not exist admits nothing; one a forbidden read hid is unknown.
"""
from ..model import objects
from ..model.gaps import unreadable
from .mesh_match import TRUE, FALSE, MeshClient, all_of, any_of, in_network, of, unknown, wildcard


def server_authorization_match(auth: dict, client: MeshClient):
    spec = objects.spec(auth).get("client") or {}
    networks = spec.get("networks") or []
    in_networks = any_of(in_network(client.ip, n.get("cidr", ""), n.get("except") or []) for n in networks) \
        if networks else TRUE
    if spec.get("unauthenticated"):
        return in_networks
    mesh_tls = spec.get("meshTLS")
    if mesh_tls is None or client.mesh != "Linkerd":
        return FALSE
    identity = client.linkerd_identity()
    accounts = [(a.get("name"), a.get("namespace") or objects.namespace(auth)) for a in mesh_tls.get("serviceAccounts") or []]
    wanted = mesh_tls.get("identities") or []
    if mesh_tls.get("unauthenticatedTLS") or not (wanted or accounts):
        return in_networks
    known = any(wildcard(w, identity) for w in wanted) or (client.service_account or "default", client.namespace) in accounts
    return all_of([in_networks, of(known)])


def authorization_policy_match(snapshot, policy: dict, client: MeshClient):
    refs = objects.spec(policy).get("requiredAuthenticationRefs") or []
    return all_of(_reference_match(snapshot, ref, objects.namespace(policy), client) for ref in refs)


def _reference_match(snapshot, ref: dict, namespace: str, client: MeshClient):
    kind, name, ns = ref.get("kind"), ref.get("name"), ref.get("namespace") or namespace
    if kind == "ServiceAccount":
        return of(client.mesh == "Linkerd" and (client.service_account or "default", client.namespace) == (name, ns))
    if kind not in ("MeshTLSAuthentication", "NetworkAuthentication"):
        return unknown(f"requiredAuthenticationRefs kind {kind}")
    obj = snapshot.get(kind, ns, name)
    if obj is None:
        return unknown(f"{kind} {ns}/{name} (not readable)") if unreadable(snapshot.gaps, kind, ns) else FALSE
    if kind == "NetworkAuthentication":
        return any_of(in_network(client.ip, n.get("cidr", ""), n.get("except") or [])
                      for n in objects.spec(obj).get("networks") or [])
    return mesh_tls_match(obj, client)


def mesh_tls_match(authentication: dict, client: MeshClient):
    if client.mesh != "Linkerd":
        return FALSE
    spec, identity = objects.spec(authentication), client.linkerd_identity()
    if any(wildcard(w, identity) for w in spec.get("identities") or []):
        return TRUE
    for ref in spec.get("identityRefs") or []:
        name, kind = ref.get("name"), ref.get("kind")
        ns = ref.get("namespace") or objects.namespace(authentication)
        if kind == "ServiceAccount" and name in ("*", client.service_account or "default") and ns == client.namespace:
            return TRUE
        if kind == "Namespace" and name in ("*", client.namespace):
            return TRUE
        if kind == "*":
            return TRUE
    return FALSE
