"""Why the API server (CRD validation) would reject an admin policy; such a policy is not evaluated."""
import ipaddress

from ..model import objects
from .ports import PROTOCOLS
from .validate import selector_problems

PEERS_FIELD = {"ingress": "from", "egress": "to"}
ACTIONS = {"ClusterNetworkPolicy": ("Accept", "Deny", "Pass"), "AdminNetworkPolicy": ("Allow", "Deny", "Pass"),
           "BaselineAdminNetworkPolicy": ("Allow", "Deny")}
PEER_KINDS = {"ingress": ("namespaces", "pods"), "egress": ("namespaces", "pods", "nodes", "networks", "domainNames")}


def problems(kind: str, policy: dict) -> list[str]:
    spec = policy.get("spec")
    if not isinstance(spec, dict):
        return ["spec must be an object"]
    found = _header_problems(kind, policy, spec)
    found += [f"subject: {p}" for p in _one_of(spec.get("subject"), ("namespaces", "pods"), _peer_selectors)]
    for direction in ("ingress", "egress"):
        rules = spec.get(direction)
        if rules is not None and not isinstance(rules, list):
            found.append(f"{direction} must be a list")
            continue
        for index, rule in enumerate(rules or []):
            found += [f"{direction} rule {index}: {p}" for p in _rule_problems(kind, rule, direction)]
    return found


def _header_problems(kind: str, policy: dict, spec: dict) -> list[str]:
    found = []
    priority = spec.get("priority")
    if kind != "BaselineAdminNetworkPolicy" and not (isinstance(priority, int) and 0 <= priority <= 1000):
        found.append(f"priority {priority!r} is not in 0-1000")
    if kind == "BaselineAdminNetworkPolicy" and objects.name(policy) != "default":
        found.append("a BaselineAdminNetworkPolicy must be named default")
    if kind == "ClusterNetworkPolicy" and spec.get("tier") not in ("Admin", "Baseline"):
        found.append(f"tier {spec.get('tier')!r} is not Admin or Baseline")
    return found


def _one_of(holder, keys: tuple, check) -> list[str]:
    """Exactly one of `keys` set in an object, and that value passes `check(key, value)`."""
    if not isinstance(holder, dict) or len(holder) != 1 or next(iter(holder)) not in keys:
        return [f"needs exactly one of {', '.join(keys)}"]
    key, value = next(iter(holder.items()))
    return check(key, value)


def _peer_selectors(key: str, value) -> list[str]:
    if key in ("namespaces", "nodes"):
        return [f"{key}: {p}" for p in selector_problems(value)]
    if key == "pods":
        if not isinstance(value, dict):
            return ["pods must be an object"]
        return [f"pods {k}: {p}" for k in ("namespaceSelector", "podSelector") for p in selector_problems(value.get(k))]
    if key == "networks":
        if not isinstance(value, list) or not value:
            return ["networks must be a non-empty list of CIDRs"]
        return [f"invalid CIDR {c!r}" for c in value if not _is_cidr(c)]
    return [] if isinstance(value, list) else ["domainNames must be a list"]


def _rule_problems(kind: str, rule, direction: str) -> list[str]:
    if not isinstance(rule, dict):
        return ["must be an object"]
    allowed = ACTIONS[kind]
    found = [] if rule.get("action") in allowed else [f"action {rule.get('action')!r} is not one of {', '.join(allowed)}"]
    peers = rule.get(PEERS_FIELD[direction])
    if not isinstance(peers, list) or not peers:
        found.append(f"{PEERS_FIELD[direction]} needs at least one peer")
    for index, peer in enumerate(peers if isinstance(peers, list) else []):
        found += [f"peer {index}: {p}" for p in _one_of(peer, PEER_KINDS[direction], _peer_selectors)]
    for field_name, check in (("ports", _v1alpha1_port), ("protocols", _v1alpha2_protocol)):
        entries = rule.get(field_name)
        if entries is not None and not isinstance(entries, list):
            found.append(f"{field_name} must be a list")
            continue
        found += [f"{field_name} {i}: {p}" for i, entry in enumerate(entries or []) for p in check(entry)]
    return found


def _v1alpha1_port(port) -> list[str]:
    return _one_of(port, ("portNumber", "namedPort", "portRange"), _v1alpha1_port_value)


def _v1alpha1_port_value(key: str, value) -> list[str]:
    if key == "namedPort":
        return [] if isinstance(value, str) and value else ["namedPort must be a name"]
    if not isinstance(value, dict):
        return [f"{key} must be an object"]
    found = [] if (value.get("protocol") or "TCP") in PROTOCOLS else [f"unknown protocol {value.get('protocol')!r}"]
    if key == "portNumber":
        return found + _number_problems(value.get("port"))
    return found + _range_problems(value)


def _v1alpha2_protocol(protocol) -> list[str]:
    return _one_of(protocol, ("tcp", "udp", "sctp", "destinationNamedPort"), _v1alpha2_value)


def _v1alpha2_value(key: str, value) -> list[str]:
    if key == "destinationNamedPort":
        return [] if isinstance(value, str) and value else ["destinationNamedPort must be a name"]
    port = value.get("destinationPort") if isinstance(value, dict) else None
    return _one_of(port, ("number", "range"), lambda k, v: _number_problems(v) if k == "number" else _range_problems(v))


def _number_problems(number) -> list[str]:
    return [] if isinstance(number, int) and 1 <= number <= 65535 else [f"port {number!r} is not in 1-65535"]


def _range_problems(span) -> list[str]:
    if not isinstance(span, dict) or not all(isinstance(span.get(k), int) for k in ("start", "end")):
        return ["a port range needs integer start and end"]
    if not 1 <= span["start"] < span["end"] <= 65535:
        return [f"port range start {span['start']} must be below end {span['end']} (both in 1-65535)"]
    return []


def _is_cidr(text) -> bool:
    try:
        ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return False
    return True
