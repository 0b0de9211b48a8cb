"""Why the API server (CRD validation) would reject an admin policy; such a policy is not evaluated."""
import ipaddress

from ..model import objects, selectors

PEERS_FIELD = {"ingress": "from", "egress": "to"}


def problems(kind: str, policy: dict) -> list[str]:
    spec, found = objects.spec(policy), []
    if kind != "BaselineAdminNetworkPolicy" and not 0 <= int(spec.get("priority", -1)) <= 1000:
        found.append(f"priority {spec.get('priority')!r} is not in 0-1000")
    if kind == "BaselineAdminNetworkPolicy" and objects.name(policy) != "default":
        found.append("a BaselineAdminNetworkPolicy must be named default")
    if kind == "ClusterNetworkPolicy" and spec.get("tier") not in ("Admin", "Baseline"):
        found.append(f"tier {spec.get('tier')!r} is not Admin or Baseline")
    subject = spec.get("subject") or {}
    if len(subject) != 1:
        found.append("subject needs exactly one of namespaces or pods")
    found += [f"subject: {p}" for p in _selector_problems(subject)]
    for direction in ("ingress", "egress"):
        for index, rule in enumerate(spec.get(direction) or []):
            found += [f"{direction} rule {index}: {p}" for p in _rule_problems(kind, rule, direction)]
    return found


def _rule_problems(kind: str, rule: dict, direction: str) -> list[str]:
    allowed = {"ClusterNetworkPolicy": ("Accept", "Deny", "Pass"), "AdminNetworkPolicy": ("Allow", "Deny", "Pass"),
               "BaselineAdminNetworkPolicy": ("Allow", "Deny")}[kind]
    found = [] if rule.get("action") in allowed else [f"action {rule.get('action')!r} is not one of {', '.join(allowed)}"]
    peers = rule.get(PEERS_FIELD[direction]) or []
    if not peers:
        found.append(f"{PEERS_FIELD[direction]} needs at least one peer")
    for peer in peers:
        found += _selector_problems(peer) + [f"invalid CIDR {c!r}" for c in peer.get("networks") or [] if not _is_cidr(c)]
    for port in (rule.get("ports") or []) + [p.get(k) for p in rule.get("protocols") or [] for k in ("tcp", "udp", "sctp") if k in p]:
        span = (port or {}).get("portRange") or ((port or {}).get("destinationPort") or {}).get("range")
        if span and not span.get("start", 0) < span.get("end", 0):
            found.append(f"port range start {span.get('start')} must be below end {span.get('end')}")
    return found


def _selector_problems(holder: dict) -> list[str]:
    found = []
    for key, selector in holder.items():
        if key == "pods":
            found += _selector_problems({k: v for k, v in (selector or {}).items()})
        elif key in ("namespaces", "namespaceSelector", "podSelector", "nodes"):
            found += [f"{key}: {p}" for p in selectors.problems(selector or {})]
    return found


def _is_cidr(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True
