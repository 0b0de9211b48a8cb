"""The vocabulary of service-mesh authorization: who is asking, three-valued matches, the decision. Pure.

A mesh authorizes requests, and netdebug knows the connection but not the request (method, path,
JWT): a condition is True, False, or Unknown with the reason (the field it could not evaluate).
Unknown is never read as a match or as a miss; it makes the answer "depends on ...".
"""
import ipaddress
from dataclasses import dataclass, field

TRUST_DOMAIN = "cluster.local"  # both meshes' default; a cluster may set another


@dataclass(frozen=True)
class MeshClient:
    """The client as the destination's proxy sees it. `identity` only with mesh mutual TLS."""
    ref: str | None  # "ns/pod"; None: outside the cluster
    ip: str | None
    namespace: str | None
    service_account: str | None
    mesh: str | None  # "Istio", "Linkerd" (sidecar or Istio ambient), None: not in a mesh
    tls: bool = True  # False: mutual TLS is off towards this destination (Istio PeerAuthentication DISABLE)

    def istio_principal(self) -> str | None:
        if self.mesh != "Istio" or not self.namespace or not self.tls:
            return None
        return f"{TRUST_DOMAIN}/ns/{self.namespace}/sa/{self.service_account or 'default'}"

    def linkerd_identity(self) -> str | None:
        if self.mesh != "Linkerd" or not self.namespace:
            return None
        return f"{self.service_account or 'default'}.{self.namespace}.serviceaccount.identity.linkerd.{TRUST_DOMAIN}"


@dataclass(frozen=True)
class Match:
    value: bool | None  # None: unknown
    unknown: tuple = ()  # why unknown: the fields not evaluated


TRUE, FALSE = Match(True), Match(False)


def unknown(reason: str) -> Match:
    return Match(None, (reason,))


def all_of(matches) -> Match:
    """AND: any False decides; else any Unknown; else True."""
    return _combine(matches, decisive=False)


def any_of(matches) -> Match:
    """OR: any True decides; else any Unknown; else False (an empty OR is False)."""
    return _combine(matches, decisive=True)


def _combine(matches, decisive: bool) -> Match:
    matches = list(matches)
    if any(m.value is decisive for m in matches):
        return of(decisive)
    reasons = tuple(r for m in matches for r in m.unknown)
    return Match(None, reasons) if reasons else of(not decisive)


def negate(match: Match) -> Match:
    return match if match.value is None else Match(not match.value)


def of(flag: bool) -> Match:
    return TRUE if flag else FALSE


def wildcard(pattern: str, value: str) -> bool:
    """Istio's and Linkerd's string match: exact, `*` (any non-empty), `prefix*` or `*suffix`."""
    if pattern == "*":
        return bool(value)
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return pattern == value


def in_network(address: str | None, cidr: str, excepted=()) -> Match:
    """Is the address in `cidr` (an IP or a CIDR) and in none of `excepted`? Unknown address: unknown."""
    if not address:
        return unknown("the client's address (outside the cluster)")
    try:
        ip = ipaddress.ip_address(address)
        inside = ip in ipaddress.ip_network(cidr, strict=False)
        return of(inside and not any(ip in ipaddress.ip_network(e, strict=False) for e in excepted))
    except ValueError:
        return unknown(f"the network {cidr!r}")


@dataclass(frozen=True)
class Decision:
    """What the mesh does with the client's requests on one destination pod and port."""
    mesh: str
    outcome: str  # "allowed", "denied", "unknown"
    decided_by: str = ""  # "AuthorizationPolicy ns/name" (the deciding object), "" when nothing applies
    rule: int | None = None  # the deciding rule's index, when one rule decides
    why: str = ""  # a short fact: "DENY rule matches", "no ALLOW rule matches", ...
    unknown: tuple = ()  # fields not evaluated that the answer depends on
    allow_lists: tuple = ()  # the ALLOW lists in force (Istio) or the authorizations of the Server (Linkerd)
    facts: dict = field(default_factory=dict)
