"""Endpoints (pods or plain IPs), compiled label selectors and NetworkPolicy peers."""
import ipaddress
from dataclasses import dataclass, field

from ..model import objects

NO_MATCH = -1  # Rule.match_peer: no peer of the rule matches


@dataclass(frozen=True, eq=False)
class Endpoint:
    """One end of a connection: a pod (matched by selectors and by IP) or a bare IP address."""

    kind: str  # "pod" or "ip"
    namespace: str | None = None
    name: str | None = None
    labels: dict = field(default_factory=dict)
    ips: tuple[str, ...] = ()
    addresses: tuple = ()  # ipaddress objects for the IPs that parse
    named_ports: dict = field(default_factory=dict)  # (name, protocol) -> container port
    host_network: bool = False
    pod: dict | None = None

    @classmethod
    def for_pod(cls, pod: dict) -> "Endpoint":
        ips = tuple(objects.pod_ips(pod))
        return cls(kind="pod", namespace=objects.namespace(pod), name=objects.name(pod),
                   labels=objects.labels(pod), ips=ips, addresses=_addresses(ips),
                   named_ports=container_named_ports(pod), host_network=objects.host_network(pod), pod=pod)

    @classmethod
    def for_ip(cls, ip: str) -> "Endpoint":
        return cls(kind="ip", ips=(ip,), addresses=(ipaddress.ip_address(ip),))

    @property
    def is_pod(self) -> bool:
        return self.kind == "pod"

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.name}" if self.is_pod else self.ips[0]


def _addresses(ips) -> tuple:
    found = []
    for ip in ips:
        try:
            found.append(ipaddress.ip_address(ip))
        except ValueError:
            continue  # an unparsable status IP cannot match any ipBlock
    return tuple(found)


def container_named_ports(pod: dict) -> dict:
    """(name, protocol) -> containerPort for every named port of the pod's containers."""
    found = {}
    for container in objects.pod_containers(pod):
        for port in (container.get("ports") or []) if isinstance(container, dict) else []:
            if isinstance(port, dict) and port.get("name") and isinstance(port.get("containerPort"), int):
                found.setdefault((port["name"], port.get("protocol") or "TCP"), port["containerPort"])
    return found


@dataclass(frozen=True)
class Selector:
    """A label selector compiled for fast matching; `keys` are the label keys it reads."""

    equal: tuple = ()  # ((key, value), ...)
    expressions: tuple = ()  # ((key, operator, frozenset(values)), ...)

    @classmethod
    def compile(cls, selector: dict) -> "Selector":
        equal = tuple(sorted((selector.get("matchLabels") or {}).items()))
        expressions = tuple((e.get("key"), e.get("operator"), frozenset(e.get("values") or ()))
                            for e in selector.get("matchExpressions") or [])
        return cls(equal, expressions)

    @property
    def keys(self) -> frozenset:
        return frozenset(k for k, _ in self.equal) | frozenset(e[0] for e in self.expressions)

    @property
    def is_empty(self) -> bool:
        return not self.equal and not self.expressions

    def matches(self, labels: dict) -> bool:
        for key, value in self.equal:
            if labels.get(key) != value:
                return False
        for key, operator, values in self.expressions:
            if not _expression(operator, key in labels, labels.get(key), values):
                return False
        return True


def _expression(operator: str, present: bool, value, values: frozenset) -> bool:
    if operator == "In":
        return present and value in values
    if operator == "NotIn":
        return not present or value not in values
    if operator == "Exists":
        return present
    return not present  # DoesNotExist (other operators are rejected when compiling)


@dataclass(frozen=True)
class PodPeer:
    """podSelector and/or namespaceSelector; an absent namespaceSelector means the policy's namespace."""

    pods: Selector | None
    namespaces: Selector | None

    def matches(self, endpoint: Endpoint, policy_namespace: str, namespace_labels: dict) -> bool:
        if not endpoint.is_pod or endpoint.host_network:  # hostNetwork traffic is node traffic: ipBlock only
            return False
        if self.namespaces is None:
            if endpoint.namespace != policy_namespace:
                return False
        elif not self.namespaces.matches(namespace_labels):
            return False
        return self.pods is None or self.pods.matches(endpoint.labels)


@dataclass(frozen=True)
class IPBlockPeer:
    """ipBlock: the CIDR minus its exceptions; it matches pods by their IPs too."""

    cidr: str
    network: object
    excepts: tuple = ()  # ipaddress networks
    spans: tuple = ()  # (version, first, last) integers of the CIDR, then of each exception

    @classmethod
    def of(cls, cidr: str, excepts=()) -> "IPBlockPeer":
        network = ipaddress.ip_network(cidr, strict=False)
        excepted = tuple(ipaddress.ip_network(e, strict=False) for e in excepts)
        spans = tuple((n.version, int(n.network_address), int(n.broadcast_address)) for n in (network, *excepted))
        return cls(cidr, network, excepted, spans)

    def matches(self, endpoint: Endpoint, policy_namespace: str = "", namespace_labels: dict | None = None) -> bool:
        return any(self.contains(address) for address in endpoint.addresses)

    def contains(self, address) -> bool:
        version, value = address.version, int(address)
        (cidr_version, first, last), *excepted = self.spans
        if version != cidr_version or not first <= value <= last:
            return False
        return not any(v == version and lo <= value <= hi for v, lo, hi in excepted)
