"""Why the API server would reject a NetworkPolicy spec: its shape, selectors, peers and ports.
Messages name the place ("ingress rule 0 port 1: endPort 70 < port 80")."""
import ipaddress
import re

from ..model import selectors
from .ports import PROTOCOLS

DIRECTIONS = ("ingress", "egress")
PEERS_FIELD = {"ingress": "from", "egress": "to"}
_PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def policy_problems(spec) -> list[str]:
    if not isinstance(spec, dict):
        return ["spec must be an object"]
    found = [f"podSelector: {p}" for p in selector_problems(spec.get("podSelector"))]
    types = spec.get("policyTypes")
    if types is not None and not isinstance(types, list):
        return found + ["policyTypes must be a list"]
    found += [f"policyTypes: unknown type {kind!r}" for kind in types or [] if kind not in ("Ingress", "Egress")]
    for direction in DIRECTIONS:
        found += [f"{direction}: {p}" for p in _list_problems(spec.get(direction))]
        for index, rule in enumerate(spec.get(direction) or [] if isinstance(spec.get(direction), list) else []):
            found += _rule_problems(rule or {}, direction, f"{direction} rule {index}")
    return found


def _rule_problems(rule, direction: str, where: str) -> list[str]:
    if not isinstance(rule, dict):
        return [f"{where}: must be an object"]
    peers, ports = rule.get(PEERS_FIELD[direction]), rule.get("ports")
    found = [f"{where}: {PEERS_FIELD[direction]} {p}" for p in _list_problems(peers)] + \
        [f"{where}: ports {p}" for p in _list_problems(ports)]
    if found:
        return found
    found += [f"{where} peer {i}: {p}" for i, peer in enumerate(peers or []) for p in _peer_problems(peer)]
    return found + [f"{where} port {i}: {p}" for i, port in enumerate(ports or []) for p in _port_problems(port or {})]


def _list_problems(value) -> list[str]:
    return [] if value is None or isinstance(value, list) else ["must be a list"]


def selector_problems(selector) -> list[str]:
    """Shape (objects, string label values) and operators of a label selector; None is fine."""
    if selector is None:
        return []
    if not isinstance(selector, dict):
        return ["must be an object"]
    labels, expressions = selector.get("matchLabels") or {}, selector.get("matchExpressions") or []
    if not isinstance(labels, dict) or not isinstance(expressions, list) or \
            not all(isinstance(e, dict) for e in expressions):
        return ["matchLabels must be an object and matchExpressions a list of objects"]
    found = [f"label {k!r}: value {v!r} is not a string" for k, v in labels.items() if not isinstance(v, str)]
    return found + selectors.problems(selector)


def _peer_problems(peer: dict) -> list[str]:
    if not isinstance(peer, dict) or not peer:
        return ["a peer needs podSelector, namespaceSelector or ipBlock"]
    if "ipBlock" in peer:
        if "podSelector" in peer or "namespaceSelector" in peer:
            return ["ipBlock cannot be combined with podSelector or namespaceSelector"]
        return _ipblock_problems(peer["ipBlock"] or {})
    found = []
    for key in ("podSelector", "namespaceSelector"):
        found += [f"{key}: {p}" for p in selector_problems(peer.get(key))]
    return found


def _ipblock_problems(block: dict) -> list[str]:
    try:
        network = ipaddress.ip_network(str(block.get("cidr")), strict=False)
    except ValueError:
        return [f"ipBlock: invalid CIDR {block.get('cidr')!r}"]
    found = []
    for text in block.get("except") or []:
        try:
            excepted = ipaddress.ip_network(str(text), strict=False)
        except ValueError:
            found.append(f"ipBlock: invalid except CIDR {text!r}")
            continue
        if excepted.version != network.version or not excepted.subnet_of(network) or excepted == network:
            found.append(f"ipBlock: except {text} is not inside cidr {block.get('cidr')}")
    return found


def _port_problems(port) -> list[str]:
    if not isinstance(port, dict):
        return ["must be an object"]
    protocol, value, end = port.get("protocol") or "TCP", port.get("port"), port.get("endPort")
    found = [] if protocol in PROTOCOLS else [f"unknown protocol {protocol!r}"]
    if isinstance(value, str):
        if not _PORT_NAME.match(value) or len(value) > 15:
            found.append(f"invalid port name {value!r}")
        if end is not None:
            found.append(f"endPort {end} cannot be used with named port {value!r}")
        return found
    if value is not None and not (isinstance(value, int) and 1 <= value <= 65535):
        found.append(f"port {value!r} is not in 1-65535")
    if end is not None:
        if value is None:
            found.append(f"endPort {end} needs a numeric port")
        elif not isinstance(end, int) or not 1 <= end <= 65535:
            found.append(f"endPort {end!r} is not in 1-65535")
        elif isinstance(value, int) and end < value:
            found.append(f"endPort {end} < port {value}")
    return found
