"""Linkerd authorization (policy.linkerd.io): may this client reach a meshed pod's port? Pure.

A Server selects pods (podSelector) and one port (number or container port name). Without a Server
the default inbound policy decides (`config.linkerd.io/default-inbound-policy` on the pod, else its
namespace, else the cluster-wide install value, `all-unauthenticated` unless changed). With a
Server, traffic is allowed only by an authorization: a ServerAuthorization naming or selecting the
Server, or an AuthorizationPolicy whose targetRef is the Server (or its Namespace) and whose
requiredAuthenticationRefs (MeshTLSAuthentication, NetworkAuthentication, ServiceAccount) all hold;
nothing authorizes: the Server's accessPolicy (default `deny`). An AuthorizationPolicy targeting an
HTTPRoute or GRPCRoute authorizes only the requests of that route, which netdebug cannot know.
"""
from ..model import objects
from ..model.selectors import matches
from .linkerd_auths import authorization_policy_match, server_authorization_match
from .mesh_match import TRUE, FALSE, Decision, MeshClient, all_of, of, unknown

GROUP = "policy.linkerd.io"
DEFAULT_POLICY = "config.linkerd.io/default-inbound-policy"
INSTALL_DEFAULT = "all-unauthenticated"
ROUTES = ("HTTPRoute", "GRPCRoute")


def is_linkerd(obj: dict) -> bool:
    return str(obj.get("apiVersion", "")).split("/")[0] == GROUP


def evaluate(snapshot, pod: dict, port: int | None, port_name: str | None, client: MeshClient) -> Decision:
    server = server_for(snapshot, pod, port, port_name)
    if server is None:
        policy, said_by = default_policy(snapshot, pod)
        match = by_default(policy, client)
        return Decision("Linkerd", outcome(match), said_by, why=f"default-{policy}", unknown=match.unknown)
    return _by_server(snapshot, server, client)


def port_name(pod: dict, port: int | None) -> str | None:
    """The name of the container port with this number (Servers may name ports)."""
    return next((p.get("name") for c in objects.spec(pod).get("containers") or [] for p in c.get("ports") or []
                 if p.get("containerPort") == port and p.get("name")), None)


def server_for(snapshot, pod: dict, port: int | None, port_name: str | None) -> dict | None:
    """The Server that selects this pod and port (Linkerd's admission refuses overlapping ones; the
    oldest wins otherwise)."""
    found = [s for s in snapshot.in_namespace("Server", objects.namespace(pod)) if is_linkerd(s)
             and matches(objects.spec(s).get("podSelector") or {}, objects.labels(pod))
             and objects.spec(s).get("port") in (port, port_name) and objects.spec(s).get("port") is not None]
    found.sort(key=lambda s: (objects.meta(s).get("creationTimestamp") or "", objects.name(s)))
    return found[0] if found else None


def default_policy(snapshot, pod: dict) -> tuple[str, str]:
    """(the default inbound policy, what says so)."""
    namespace = snapshot.get("Namespace", None, objects.namespace(pod)) or {}
    for obj, what in ((pod, f"Pod {objects.ref(pod)}"), (namespace, f"Namespace {objects.namespace(pod)}")):
        value = objects.annotations(obj).get(DEFAULT_POLICY)
        if value:
            return value, f"annotation {DEFAULT_POLICY} on {what}"
    return INSTALL_DEFAULT, "the install default (proxy.defaultInboundPolicy; the cluster may set another)"


def outcome(match) -> str:
    return {True: "allowed", False: "denied", None: "unknown"}[match.value]


def by_default(policy: str, client: MeshClient):
    """Whether a default policy (or a Server's accessPolicy) admits the client."""
    if policy in ("all-unauthenticated", "audit"):
        return TRUE
    if policy == "cluster-unauthenticated":
        return TRUE if client.ref else unknown("the cluster networks (clusterNetworks)")
    if policy in ("all-authenticated", "cluster-authenticated"):
        return of(client.mesh == "Linkerd")
    if policy == "deny":
        return FALSE
    return unknown(f"the default policy {policy!r}")


def _by_server(snapshot, server: dict, client: MeshClient) -> Decision:
    ref = f"Server {objects.ref(server)}"
    authorizations = [(f"{a['kind']} {objects.ref(a)}", match) for a, match in _authorizations(snapshot, server, client)]
    names = tuple(name for name, _ in authorizations)
    allowed = next((name for name, match in authorizations if match.value is True), None)
    if allowed:
        return Decision("Linkerd", "allowed", allowed, why="authorization-matches", allow_lists=names, facts={"server": ref})
    pending = tuple(r for _, match in authorizations for r in match.unknown)
    if pending:
        return Decision("Linkerd", "unknown", ref, why="authorization-may-match", unknown=pending, allow_lists=names)
    access = objects.spec(server).get("accessPolicy") or "deny"
    if access != "deny":
        match = by_default(access, client)
        return Decision("Linkerd", outcome(match), ref, why=f"access-policy-{access}", unknown=match.unknown,
                        allow_lists=names)
    return Decision("Linkerd", "denied", ref, why="no-authorization-matches" if names else "no-authorization",
                    allow_lists=names, facts={"server": ref, "identities": _sole_identity_lists(snapshot, server),
                                              "accounts": _account_lists(snapshot, server)})


def _account_lists(snapshot, server: dict) -> list[str]:
    """The ServerAuthorizations of this Server that list service accounts (a meshed client's is added there)."""
    return [objects.ref(a) for a in snapshot.in_namespace("ServerAuthorization", objects.namespace(server))
            if is_linkerd(a) and (objects.spec(a).get("server") or {}).get("name") == objects.name(server)
            and ((objects.spec(a).get("client") or {}).get("meshTLS") or {}).get("serviceAccounts")
            and not (objects.spec(a).get("client") or {}).get("networks")]


def _sole_identity_lists(snapshot, server: dict) -> list[str]:
    """The MeshTLSAuthentications that are the only requirement of an AuthorizationPolicy on this Server:
    adding the client's identity to one of them admits it."""
    found = []
    for policy in snapshot.in_namespace("AuthorizationPolicy", objects.namespace(server)):
        target, refs = objects.spec(policy).get("targetRef") or {}, objects.spec(policy).get("requiredAuthenticationRefs") or []
        if is_linkerd(policy) and target.get("kind") == "Server" and target.get("name") == objects.name(server) \
                and len(refs) == 1 and refs[0].get("kind") == "MeshTLSAuthentication":
            found.append(f"{refs[0].get('namespace') or objects.namespace(policy)}/{refs[0].get('name')}")
    return found


def _authorizations(snapshot, server: dict, client: MeshClient):
    ns = objects.namespace(server)
    for auth in snapshot.in_namespace("ServerAuthorization", ns):
        target = objects.spec(auth).get("server") or {}
        if is_linkerd(auth) and (target.get("name") == objects.name(server) or (
                target.get("selector") and matches(target["selector"], objects.labels(server)))):
            yield auth, server_authorization_match(auth, client)
    for policy in snapshot.in_namespace("AuthorizationPolicy", ns):
        target = objects.spec(policy).get("targetRef") or {}
        kind = target.get("kind")
        if not is_linkerd(policy) or not ((kind == "Server" and target.get("name") == objects.name(server))
                                          or (kind == "Namespace" and target.get("name") in (ns, None))
                                          or kind in ROUTES):
            continue
        admits = authorization_policy_match(snapshot, policy, client)
        if kind in ROUTES:  # whether the request is on that route (and the route on this Server) is not known
            admits = all_of([admits, unknown(f"the {kind} {target.get('name')} (route-level authorization)")])
        yield policy, admits
