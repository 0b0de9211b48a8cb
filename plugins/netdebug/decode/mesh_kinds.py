"""The shapes of the service-mesh kinds netdebug reads: Istio's PeerAuthentication and
AuthorizationPolicy (security.istio.io), Linkerd's Server, ServerAuthorization, AuthorizationPolicy,
MeshTLSAuthentication and NetworkAuthentication (policy.linkerd.io). Istio's and Linkerd's
AuthorizationPolicy share a kind name: one shape holds the fields of both (targetRef is common)."""
from ..model.kinds import READ_AS
from . import values as v
from .pods import LABELS, SELECTOR, STRINGS
from .shapes import ANY_OBJECT, ListOf, MapOf, Obj


def _address(value) -> str | None:
    """An IP or a CIDR, as Istio's ipBlocks take them."""
    return v.cidr(value) if isinstance(value, str) and "/" in value else v.ip(value)


_ISTIO_SELECTOR = Obj({"matchLabels": LABELS})
_TARGET_REF = Obj({"group": v.string, "kind": v.string, "name": v.string, "namespace": v.string})
_SOURCE_FIELDS = ("principals", "requestPrincipals", "namespaces")
_SOURCE = Obj({**{key: STRINGS for key in _SOURCE_FIELDS},
               **{"not" + key[0].upper() + key[1:]: STRINGS for key in _SOURCE_FIELDS},
               **{key: ListOf(_address) for key in ("ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks")}})
_OPERATION = Obj({key: STRINGS for key in ("hosts", "notHosts", "ports", "notPorts", "methods", "notMethods",
                                           "paths", "notPaths")})
_CONDITION = Obj({"key": v.string, "values": STRINGS, "notValues": STRINGS}, required=("key",))
_RULE = Obj({"from": ListOf(Obj({"source": _SOURCE})), "to": ListOf(Obj({"operation": _OPERATION})),
             "when": ListOf(_CONDITION)})
_NETWORK = Obj({"cidr": v.cidr, "except": ListOf(v.cidr)}, required=("cidr",))
_REF = Obj({"group": v.string, "kind": v.string, "name": v.string, "namespace": v.string}, required=("kind",))

AUTHORIZATION_POLICY = {"spec": Obj({
    "selector": _ISTIO_SELECTOR, "targetRef": _TARGET_REF, "targetRefs": ListOf(_TARGET_REF),
    "action": v.string, "provider": Obj({"name": v.string}), "rules": ListOf(_RULE),
    "requiredAuthenticationRefs": ListOf(_REF)})}
PEER_AUTHENTICATION = {"spec": Obj({"selector": _ISTIO_SELECTOR, "mtls": Obj({"mode": v.string}),
                                    "portLevelMtls": MapOf(v.string, Obj({"mode": v.string}))})}
SERVER = {"spec": Obj({"podSelector": SELECTOR, "port": v.port_or_name, "proxyProtocol": v.string,
                       "accessPolicy": v.string, "externalWorkloadSelector": ANY_OBJECT})}
SERVER_AUTHORIZATION = {"spec": Obj({
    "server": Obj({"name": v.string, "selector": SELECTOR}),
    "client": Obj({"networks": ListOf(_NETWORK), "unauthenticated": v.boolean,
                   "meshTLS": Obj({"unauthenticatedTLS": v.boolean, "identities": STRINGS,
                                   "serviceAccounts": ListOf(Obj({"name": v.string, "namespace": v.string},
                                                                 required=("name",)))})})}, required=("server",))}
MESH_TLS_AUTHENTICATION = {"spec": Obj({"identities": STRINGS, "identityRefs": ListOf(_REF)})}
NETWORK_AUTHENTICATION = {"spec": Obj({"networks": ListOf(_NETWORK)})}

MESH_BODIES = {
    "PeerAuthentication": PEER_AUTHENTICATION, "AuthorizationPolicy": AUTHORIZATION_POLICY,
    "Server": SERVER, "ServerAuthorization": SERVER_AUTHORIZATION,
    "MeshTLSAuthentication": MESH_TLS_AUTHENTICATION, "NetworkAuthentication": NETWORK_AUTHENTICATION,
}
MESH_BODIES.update({alias: MESH_BODIES[kind] for alias, kind in READ_AS.items()})  # list items read without a kind
