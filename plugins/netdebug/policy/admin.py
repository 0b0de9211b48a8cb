"""Cluster-wide admin policies: AdminNetworkPolicy and BaselineAdminNetworkPolicy
(policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2), compiled into two ordered
tiers of rules. Within a tier, policies go by priority (lower first), then kind and name; rules keep
their written order; the first rule matching a connection decides it (allow, deny or pass to the next
tier). Host-network pods are neither subjects nor pod/namespace peers.
"""
from dataclasses import dataclass

from ..model import objects
from .admin_problems import problems as policy_problems
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
            errors = policy_problems(kind, policy)
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
            if a.get("type") in ("InternalIP", "ExternalIP") and objects.is_ip(a.get("address", ""))]
