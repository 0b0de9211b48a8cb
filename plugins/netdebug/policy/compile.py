"""NetworkPolicy dicts -> compiled rules, plus the reasons the API server would reject one.

Empty and absent lists mean the same in the API: `from`/`to` empty or absent = every peer,
`ports` empty or absent = every port. A policy with problems is not compiled (it could not exist
in a cluster); the problems say why.
"""
from dataclasses import dataclass

from ..model import objects
from .peers import NO_MATCH, Endpoint, IPBlockPeer, PodPeer, Selector
from .ports import ALL, NONE, ConnectionSet
from .validate import PEERS_FIELD, policy_problems

POLICY_TYPE = {"ingress": "Ingress", "egress": "Egress"}


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
    ref, spec = objects.ref(policy), policy.get("spec") or {}
    problems = [f"{ref}: {p}" for p in policy_problems(spec)]
    if problems:
        return None, problems
    compiled = CompiledPolicy(
        ref=ref, namespace=objects.namespace(policy),
        selector=Selector.compile(spec.get("podSelector") or {}),
        types=policy_types(spec),
        ingress=tuple(_rule(i, r or {}, "ingress") for i, r in enumerate(spec.get("ingress") or [])),
        egress=tuple(_rule(i, r or {}, "egress") for i, r in enumerate(spec.get("egress") or [])),
        source=policy)
    return compiled, []


def policy_types(spec: dict) -> frozenset:
    """policyTypes as given (any order), else Ingress always and Egress when egress rules exist."""
    if spec.get("policyTypes"):
        return frozenset(t.lower() for t in spec["policyTypes"])
    return frozenset(["ingress", "egress"] if spec.get("egress") else ["ingress"])


def _rule(index: int, rule: dict, direction: str) -> Rule:
    peers = tuple(_peer(p) for p in rule.get(PEERS_FIELD[direction]) or []) or None
    ports = tuple(_port(p or {}) for p in rule.get("ports") or []) or None  # null entries decode as {}
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
