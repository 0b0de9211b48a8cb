"""Mesh authorization in the data plane: which peers a meshed pod's listener refuses after the handshake.

Istio AuthorizationPolicy (the policies of the pod's namespace and of istio-system without targetRefs
whose selector matches; DENY before ALLOW; with ALLOW policies only a matching rule admits) and Linkerd
Server + ServerAuthorization (a Server on the port admits only authorized clients). Played at L4 only:
sources by principal/namespace (peers with the same mesh's sidecar, identity from their service
account) and ipBlocks, operations by port. A field the simulator cannot play (HTTP methods, paths,
`when`, CUSTOM, JWT, Linkerd AuthorizationPolicy) fails the scenario at start. Written from the meshes'
documented rules, independently of netdebug's evaluators. A refused peer's HTTP request gets
403 "RBAC: access denied"; other data is reset (listeners.py).
"""
import ipaddress

from .scenario import ScenarioError

ISTIO_ROOT = "istio-system"
SOURCE_FIELDS = {"principals", "notPrincipals", "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks"}
OPERATION_FIELDS = {"ports", "notPorts"}


class Unplayable(ScenarioError):
    """A mesh policy field the simulator cannot play: the scenario does not start."""


def _meta(obj: dict, key: str, default=None):
    return (obj.get("metadata") or {}).get(key, default)


def _has(pod: dict, container: str) -> bool:
    spec = pod.get("spec") or {}
    return any(c.get("name") == container for c in (spec.get("containers") or []) + (spec.get("initContainers") or []))


class Peer:
    def __init__(self, pod: dict | None, ip: str | None):
        self.ip = ip
        self.namespace = _meta(pod, "namespace") if pod else None
        self.account = ((pod or {}).get("spec") or {}).get("serviceAccountName") or "default"
        self.istio = pod is not None and _has(pod, "istio-proxy")
        self.linkerd = pod is not None and _has(pod, "linkerd-proxy")


def _glob(pattern: str, value: str | None) -> bool:
    if value is None:
        return False
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


def _in(ip: str | None, blocks: list) -> bool:
    return ip is not None and any(ipaddress.ip_address(ip) in ipaddress.ip_network(b, strict=False) for b in blocks)


def _source_ok(source: dict, peer: Peer) -> bool:
    unknown = set(source) - SOURCE_FIELDS
    if unknown:
        raise Unplayable(f"AuthorizationPolicy source fields {sorted(unknown)} are not simulated")
    principal = f"cluster.local/ns/{peer.namespace}/sa/{peer.account}" if peer.istio else None
    namespace = peer.namespace if peer.istio else None
    checks = {"principals": lambda vs: any(_glob(v, principal) for v in vs),
              "namespaces": lambda vs: any(_glob(v, namespace) for v in vs),
              "ipBlocks": lambda vs: _in(peer.ip, vs)}
    for key, values in source.items():
        base = key[3].lower() + key[4:] if key.startswith("not") else key
        hit = checks[base](values or [])
        if hit == key.startswith("not"):
            return False
    return True


def _operation_ok(operation: dict, port: int) -> bool:
    unknown = set(operation) - OPERATION_FIELDS
    if unknown:
        raise Unplayable(f"AuthorizationPolicy operation fields {sorted(unknown)} are not simulated")
    if "ports" in operation and str(port) not in operation["ports"]:
        return False
    return not ("notPorts" in operation and str(port) in operation["notPorts"])


def _rule_ok(rule: dict, peer: Peer, port: int) -> bool:
    if rule.get("when"):
        raise Unplayable("AuthorizationPolicy `when` conditions are not simulated")
    sources = [f.get("source") or {} for f in rule.get("from") or []]
    operations = [t.get("operation") or {} for t in rule.get("to") or []]
    return (not sources or any(_source_ok(s, peer) for s in sources)) and \
        (not operations or any(_operation_ok(o, port) for o in operations))


def _istio_policies(pod: dict, objects: list[dict]) -> list[dict]:
    labels, found = _meta(pod, "labels") or {}, []
    for policy in (o for o in objects if o["kind"] == "AuthorizationPolicy"
                   and o.get("apiVersion", "").startswith("security.istio.io/")):
        spec = policy.get("spec") or {}
        if _meta(policy, "namespace") not in (_meta(pod, "namespace"), ISTIO_ROOT) or spec.get("targetRefs") \
                or spec.get("targetRef"):
            continue
        wanted = (spec.get("selector") or {}).get("matchLabels") or {}
        if all(labels.get(k) == v for k, v in wanted.items()):
            found.append(policy)
    return found


def istio_admits(pod: dict, objects: list[dict], peer: Peer, port: int) -> bool:
    by_action: dict[str, list] = {}
    for policy in _istio_policies(pod, objects):
        action = (policy.get("spec") or {}).get("action", "ALLOW")
        if action not in ("ALLOW", "DENY", "AUDIT"):
            raise Unplayable(f"AuthorizationPolicy action {action} is not simulated")
        by_action.setdefault(action, []).extend([(policy.get("spec") or {}).get("rules") or []])
    if any(_rule_ok(r, peer, port) for rules in by_action.get("DENY", []) for r in rules):
        return False
    allows = by_action.get("ALLOW", [])
    return not allows or any(_rule_ok(r, peer, port) for rules in allows for r in rules)


def _servers(pod: dict, objects: list[dict], port: int, port_name: str | None) -> list[dict]:
    labels = _meta(pod, "labels") or {}
    return [s for s in objects if s["kind"] == "Server" and _meta(s, "namespace") == _meta(pod, "namespace")
            and all(labels.get(k) == v for k, v in ((s.get("spec") or {}).get("podSelector") or {})
                    .get("matchLabels", {}).items())
            and (s.get("spec") or {}).get("port") in (port, port_name)]


def has_server(pod: dict, objects: list[dict], port: int, port_name: str | None) -> bool:
    """A Linkerd Server selects this port: its authorizations replace the default inbound policy."""
    return bool(_servers(pod, objects, port, port_name))


def linkerd_admits(pod: dict, objects: list[dict], peer: Peer, port: int, port_name: str | None) -> bool:
    servers = _servers(pod, objects, port, port_name)
    if not servers:
        return True  # the default policy: mutual TLS in mesh.py
    server = servers[0]
    for auth in (o for o in objects if o["kind"] == "ServerAuthorization"
                 and _meta(o, "namespace") == _meta(server, "namespace")
                 and ((o.get("spec") or {}).get("server") or {}).get("name") == _meta(server, "name")):
        client = (auth.get("spec") or {}).get("client") or {}
        if client.get("unauthenticated"):
            return True
        accounts = (client.get("meshTLS") or {}).get("serviceAccounts") or []
        if peer.linkerd and any(a.get("name") == peer.account and a.get("namespace", _meta(auth, "namespace"))
                                == peer.namespace for a in accounts):
            return True
    return False


def refused_peers(pod: dict, objects: list[dict], mesh: str, port: int, port_name: str | None) -> dict:
    """{"peers": pod IPs refused, "known": every pod IP, "others": whether an address of no pod is refused}."""
    if any(o["kind"] == "AuthorizationPolicy" and o.get("apiVersion", "").startswith("policy.linkerd.io/")
           for o in objects):
        raise Unplayable("Linkerd AuthorizationPolicy is not simulated (its kind name is Istio's here)")
    pods = [p for p in objects if p["kind"] == "Pod" and (p.get("status") or {}).get("podIP")]

    def admits(peer: Peer) -> bool:
        if mesh == "Istio":
            return istio_admits(pod, objects, peer, port)
        return linkerd_admits(pod, objects, peer, port, port_name)
    refused = sorted({p["status"]["podIP"] for p in pods if not admits(Peer(p, p["status"]["podIP"]))})
    return {"peers": refused, "known": sorted({p["status"]["podIP"] for p in pods}),
            "others": not admits(Peer(None, None))}
