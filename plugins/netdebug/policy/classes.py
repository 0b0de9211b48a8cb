"""Equivalence classes of pods: pods the policies cannot tell apart get the same answers.

Two pods are equivalent when they share the namespace, the values of every label key some
selector reads, the numbers of every port name some rule names, the set of ipBlocks their IPs
fall in, and hostNetwork. Labels no selector reads (pod-template-hash, names...) do not split classes.
"""
from dataclasses import dataclass, field

from ..model import objects
from .peers import Endpoint, IPBlockPeer, PodPeer


@dataclass
class PodClass:
    index: int
    endpoint: Endpoint  # the representative pod
    key: tuple  # (namespace, labels read, named ports used, ipBlock memberships, hostNetwork)
    pods: list = field(default_factory=list)  # indices into the pod list


@dataclass(frozen=True)
class Relevance:
    """What of a pod the compiled policies can observe."""

    label_keys: frozenset
    port_names: frozenset
    ip_blocks: tuple

    @classmethod
    def of(cls, policies, admin_rules=()) -> "Relevance":
        keys, names, blocks = set(), set(), {}
        for rule in admin_rules:
            for peer in (rule.subject, *rule.peers):
                keys |= peer.pods.keys if peer.pods is not None else frozenset()
                blocks.update(((b.network, b.excepts), b) for b in peer.blocks)
            names |= {port.name for port in rule.ports or () if port.name is not None}
        for policy in policies:
            keys |= policy.selector.keys
            for rule in policy.ingress + policy.egress:
                for peer in rule.peers or ():
                    if isinstance(peer, PodPeer) and peer.pods is not None:
                        keys |= peer.pods.keys
                    elif isinstance(peer, IPBlockPeer):
                        blocks[(peer.network, peer.excepts)] = peer
                names |= {spec.name for spec in rule.ports or () if spec.name is not None}
        return cls(frozenset(keys), frozenset(names), tuple(blocks.values()))

    def key(self, endpoint: Endpoint) -> tuple:
        labels = tuple(sorted((k, v) for k, v in endpoint.labels.items() if k in self.label_keys))
        ports = tuple(sorted((n, p, num) for (n, p), num in endpoint.named_ports.items() if n in self.port_names))
        blocks = tuple(block.matches(endpoint) for block in self.ip_blocks)
        return endpoint.namespace, labels, ports, blocks, endpoint.host_network


def classify(policies, pods: list[dict], admin_rules=()) -> tuple[list[PodClass], list[int]]:
    """The classes, and for each pod (by position) the index of its class."""
    relevance = Relevance.of(policies, admin_rules)
    by_key: dict[tuple, PodClass] = {}
    class_of = []
    for position, pod in enumerate(pods):
        endpoint = Endpoint.for_pod(pod)
        key = relevance.key(endpoint)
        if key not in by_key:
            by_key[key] = PodClass(len(by_key), endpoint, key)
        by_key[key].pods.append(position)
        class_of.append(by_key[key].index)
    return list(by_key.values()), class_of


def sort_pods(pods: list[dict]) -> list[dict]:
    return sorted(pods, key=lambda p: (objects.namespace(p), objects.name(p)))
