"""NetworkPolicy dicts -> compiled rules, plus the reasons the API server would reject one.

Empty and absent lists mean the same in the API: `from`/`to` empty or absent = every peer,
`ports` empty or absent = every port. A policy with problems is not compiled (it could not exist
in a cluster); the problems say why.
"""
import ipaddress
import re
from dataclasses import dataclass

from ..model import objects, selectors
from .peers import NO_MATCH, Endpoint, IPBlockPeer, PodPeer, Selector
from .ports import ALL, NONE, PROTOCOLS, ConnectionSet

DIRECTIONS = ("ingress", "egress")
PEERS_FIELD = {"ingress": "from", "egress": "to"}
POLICY_TYPE = {"ingress": "Ingress", "egress": "Egress"}
_PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True)
class PortSpec:
    protocol: str
    port: int | None = None  # None: every port of the protocol
    end_port: int | None = None
    name: str | None = None  # a named port, resolved against the destination pod

    def connections(self, named_ports: dict) -> ConnectionSet:
        if self.name is not None:
            number = named_ports.get((self.name, self.protocol))
            return NONE if number is None else ConnectionSet.single(self.protocol, number)
        return ConnectionSet.single(self.protocol, self.port, self.end_port)


@dataclass(frozen=True)
class Rule:
    index: int
    peers: tuple | None  # None: every peer
    ports: tuple | None  # None: every port
    static: ConnectionSet | None  # the port set when it names no port, else None

    def match_peer(self, endpoint: Endpoint, policy_namespace: str, namespace_labels: dict):
        """None when the rule admits every peer, the index of the first matching peer, or NO_MATCH."""
        if self.peers is None:
            return None
        for index, peer in enumerate(self.peers):
            if peer.matches(endpoint, policy_namespace, namespace_labels):
                return index
        return NO_MATCH

    def connections(self, destination: Endpoint) -> ConnectionSet:
        if self.static is not None:
            return self.static
        result = NONE
        for spec in self.ports:
            result = result | spec.connections(destination.named_ports)
        return result

    def port_index(self, protocol: str, port: int, destination: Endpoint):
        """Index of the first port entry admitting protocol/port (None when the rule has no ports)."""
        if self.ports is None:
            return None
        for index, spec in enumerate(self.ports):
            if spec.connections(destination.named_ports).contains(protocol, port):
                return index
        return NO_MATCH


@dataclass(frozen=True)
class CompiledPolicy:
    ref: str
    namespace: str
    selector: Selector
    types: frozenset  # {"ingress", "egress"}
    ingress: tuple  # Rules
    egress: tuple
    source: dict

    def rules(self, direction: str) -> tuple:
        return self.ingress if direction == "ingress" else self.egress


def compile_policy(policy: dict) -> tuple[CompiledPolicy | None, list[str]]:
    ref, spec = objects.ref(policy), objects.spec(policy)
    problems = [f"{ref}: {p}" for p in _policy_problems(spec)]
    if problems:
        return None, problems
    compiled = CompiledPolicy(
        ref=ref, namespace=objects.namespace(policy),
        selector=Selector.compile(spec.get("podSelector") or {}),
        types=policy_types(spec),
        ingress=tuple(_rule(i, r, "ingress") for i, r in enumerate(spec.get("ingress") or [])),
        egress=tuple(_rule(i, r, "egress") for i, r in enumerate(spec.get("egress") or [])),
        source=policy)
    return compiled, []


def policy_types(spec: dict) -> frozenset:
    """policyTypes as given (any order), else Ingress always and Egress when egress rules exist."""
    if spec.get("policyTypes"):
        return frozenset(t.lower() for t in spec["policyTypes"])
    return frozenset(["ingress", "egress"] if spec.get("egress") else ["ingress"])


def _rule(index: int, rule: dict, direction: str) -> Rule:
    peers = tuple(_peer(p) for p in rule.get(PEERS_FIELD[direction]) or []) or None
    ports = tuple(_port(p) for p in rule.get("ports") or []) or None
    static = ALL if ports is None else None
    if ports is not None and all(spec.name is None for spec in ports):
        static = NONE
        for spec in ports:
            static = static | spec.connections({})
    return Rule(index, peers, ports, static)


def _peer(peer: dict):
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        return IPBlockPeer.of(block["cidr"], block.get("except") or ())
    pods, namespaces = peer.get("podSelector"), peer.get("namespaceSelector")
    return PodPeer(None if pods is None else Selector.compile(pods),
                   None if namespaces is None else Selector.compile(namespaces))


def _port(port: dict) -> PortSpec:
    protocol = port.get("protocol") or "TCP"
    value = port.get("port")
    if isinstance(value, str):
        return PortSpec(protocol, name=value)
    return PortSpec(protocol, value, port.get("endPort"))


def _policy_problems(spec: dict) -> list[str]:
    found = [f"podSelector: {p}" for p in selectors.problems(spec.get("podSelector") or {})]
    for kind in spec.get("policyTypes") or []:
        if kind not in ("Ingress", "Egress"):
            found.append(f"policyTypes: unknown type {kind!r}")
    for direction in DIRECTIONS:
        for index, rule in enumerate(spec.get(direction) or []):
            where = f"{direction} rule {index}"
            found += [f"{where} peer {i}: {p}" for i, peer in enumerate(rule.get(PEERS_FIELD[direction]) or [])
                      for p in _peer_problems(peer)]
            found += [f"{where} port {i}: {p}" for i, port in enumerate(rule.get("ports") or [])
                      for p in _port_problems(port)]
    return found


def _peer_problems(peer: dict) -> list[str]:
    if not isinstance(peer, dict) or not peer:
        return ["a peer needs podSelector, namespaceSelector or ipBlock"]
    if "ipBlock" in peer:
        if "podSelector" in peer or "namespaceSelector" in peer:
            return ["ipBlock cannot be combined with podSelector or namespaceSelector"]
        return _ipblock_problems(peer["ipBlock"] or {})
    found = []
    for key in ("podSelector", "namespaceSelector"):
        found += [f"{key}: {p}" for p in selectors.problems(peer.get(key) or {})]
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


def _port_problems(port: dict) -> list[str]:
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
