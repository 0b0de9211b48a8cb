"""Cluster-wide admin policies: AdminNetworkPolicy and BaselineAdminNetworkPolicy
(policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2), compiled into two ordered
tiers of rules. Within a tier, policies go by priority (lower first), then kind and name; rules keep
their written order; the first rule matching a connection decides it (allow, deny or pass to the next
tier). Host-network pods are neither subjects nor pod/namespace peers.
"""
import ipaddress
from dataclasses import dataclass

from ..model import objects, selectors
from .peers import Endpoint, IPBlockPeer, Selector
from .ports import ConnectionSet, union_all

KIND_ORDER = {"AdminNetworkPolicy": 0, "ClusterNetworkPolicy": 1, "BaselineAdminNetworkPolicy": 2}
ACTIONS = {"Allow": "allow", "Accept": "allow", "Deny": "deny", "Pass": "pass"}
PEERS_FIELD = {"ingress": "from", "egress": "to"}


@dataclass(frozen=True)
class AdminPeer:
    """namespaces, pods (namespace AND pod selector), or addresses (networks, node IPs)."""

    namespaces: Selector | None = None
    pods: Selector | None = None
    blocks: tuple = ()  # IPBlockPeer for networks / nodes peers
    by_address: bool = False

    def matches(self, endpoint: Endpoint, namespace_labels: dict) -> bool:
        if self.by_address:
            return any(block.matches(endpoint) for block in self.blocks)
        if not endpoint.is_pod or endpoint.host_network:
            return False
        return (self.namespaces is None or self.namespaces.matches(namespace_labels)) and \
            (self.pods is None or self.pods.matches(endpoint.labels))


@dataclass(frozen=True)
class AdminPort:
    protocol: str | None  # None with a named port: any protocol the container port has
    first: int | None = None
    last: int | None = None
    name: str | None = None

    def connections(self, named_ports: dict) -> ConnectionSet:
        if self.name is None:
            return ConnectionSet.single(self.protocol, self.first, self.last)
        return union_all(ConnectionSet.single(proto, number) for (name, proto), number in named_ports.items()
                         if name == self.name)


@dataclass(frozen=True)
class AdminRule:
    kind: str
    policy: str
    tier: str  # "admin" or "baseline"
    direction: str
    index: int
    action: str  # "allow", "deny" or "pass"
    subject: AdminPeer
    peers: tuple
    ports: tuple | None  # None: every port

    def match_peer(self, endpoint: Endpoint, namespace_labels: dict) -> int | None:
        return next((i for i, p in enumerate(self.peers) if p.matches(endpoint, namespace_labels)), None)

    def connections(self, destination: Endpoint) -> ConnectionSet:
        if self.ports is None:
            return ConnectionSet.all()
        return union_all(port.connections(destination.named_ports) for port in self.ports)

    def port_index(self, protocol: str, port: int, destination: Endpoint) -> int | None:
        if self.ports is None:
            return None
        return next((i for i, p in enumerate(self.ports) if p.connections(destination.named_ports).contains(protocol, port)),
                    None)


def compile_admin(snapshot) -> tuple[dict, list[str]]:
    """{"admin": [AdminRule...], "baseline": [...]} in evaluation order, and the problems found."""
    tiers: dict = {"admin": [], "baseline": []}
    problems: list[str] = []
    node_ips = [(objects.labels(n), _node_addresses(n)) for n in snapshot.of("Node")]
    found = []
    for kind in KIND_ORDER:
        for policy in snapshot.of(kind):
            errors = _problems(kind, policy)
            problems += [f"{kind} {objects.name(policy)}: {e}" for e in errors]
            if not errors:
                found.append((kind, policy))
    found.sort(key=lambda item: (_priority(*item), KIND_ORDER[item[0]], objects.name(item[1])))
    for kind, policy in found:
        tiers[_tier(kind, policy)] += _rules(kind, policy, node_ips)
    return tiers, problems


def _tier(kind: str, policy: dict) -> str:
    if kind == "ClusterNetworkPolicy":
        return "admin" if objects.spec(policy).get("tier") == "Admin" else "baseline"
    return "admin" if kind == "AdminNetworkPolicy" else "baseline"


def _priority(kind: str, policy: dict) -> int:
    return 1001 if kind == "BaselineAdminNetworkPolicy" else int(objects.spec(policy).get("priority", 0))


def _rules(kind: str, policy: dict, node_ips: list) -> list[AdminRule]:
    spec, rules = objects.spec(policy), []
    subject = _subject(spec.get("subject") or {})
    for direction in ("ingress", "egress"):
        for index, rule in enumerate(spec.get(direction) or []):
            peers = tuple(_peer(p, node_ips) for p in rule.get(PEERS_FIELD[direction]) or [])
            rules.append(AdminRule(kind, objects.name(policy), _tier(kind, policy), direction, index,
                                   ACTIONS[rule["action"]], subject, peers, _ports(rule)))
    return rules


def _subject(subject: dict) -> AdminPeer:
    if "namespaces" in subject:
        return AdminPeer(namespaces=Selector.compile(subject["namespaces"] or {}))
    pods = subject.get("pods") or {}
    return AdminPeer(Selector.compile(pods.get("namespaceSelector") or {}), Selector.compile(pods.get("podSelector") or {}))


def _peer(peer: dict, node_ips: list) -> AdminPeer:
    if "networks" in peer:
        return AdminPeer(blocks=tuple(IPBlockPeer.of(c) for c in peer["networks"]), by_address=True)
    if "nodes" in peer:
        selector = Selector.compile(peer["nodes"] or {})
        addresses = [ip for labels, ips in node_ips if selector.matches(labels) for ip in ips]
        return AdminPeer(blocks=tuple(IPBlockPeer.of(ip) for ip in addresses), by_address=True)
    if "domainNames" in peer:
        return AdminPeer(by_address=True)  # names are not addresses: matches nothing here
    return _subject(peer)


def _ports(rule: dict):
    if rule.get("ports"):
        return tuple(_v1alpha1_port(p) for p in rule["ports"])
    if rule.get("protocols"):
        return tuple(_v1alpha2_port(p) for p in rule["protocols"])
    return None


def _v1alpha1_port(port: dict) -> AdminPort:
    if "namedPort" in port:
        return AdminPort(None, name=port["namedPort"])
    if "portRange" in port:
        span = port["portRange"]
        return AdminPort(span.get("protocol") or "TCP", span["start"], span["end"])
    number = port["portNumber"]
    return AdminPort(number.get("protocol") or "TCP", number["port"], number["port"])


def _v1alpha2_port(protocol: dict) -> AdminPort:
    if "destinationNamedPort" in protocol:
        return AdminPort(None, name=protocol["destinationNamedPort"])
    name = next(iter(protocol))
    port = (protocol[name] or {}).get("destinationPort") or {}
    if "range" in port:
        return AdminPort(name.upper(), port["range"]["start"], port["range"]["end"])
    return AdminPort(name.upper(), port.get("number"), port.get("number"))


def _node_addresses(node: dict) -> list[str]:
    return [a["address"] for a in objects.status(node).get("addresses") or []
            if a.get("type") in ("InternalIP", "ExternalIP") and _is_ip(a.get("address", ""))]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _problems(kind: str, policy: dict) -> list[str]:
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
