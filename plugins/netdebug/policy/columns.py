"""Precomputed columns for the matrix: for each peer and rule, which classes it matches; for each
rule with named ports, what it admits toward each class; and interned connection sets with cached
unions and intersections, so the grid is mostly list and dict lookups.

Pod selectors are evaluated once per (namespace, labels read, hostNetwork) group, ipBlocks come from the
class key, so a peer costs one selector match per label group, not per pod.
"""
from .classes import PodClass, Relevance
from .peers import IPBlockPeer, PodPeer
from .ports import ALL, ConnectionSet, union_all


class Columns:
    def __init__(self, engine, classes: list[PodClass], sources: list[int]):
        """classes: the destination classes; sources: the class index representing each source class."""
        self.engine, self.classes, self.sources = engine, classes, sources
        self.everyone = [True] * len(classes)
        groups: dict = {}
        # (namespace, labels read, hostNetwork): a hostNetwork pod is matched as node traffic, not by its labels
        self.group_of = [groups.setdefault((*c.key[:2], c.key[4]), len(groups)) for c in classes]
        self.group_endpoints = [None] * len(groups)
        for pod_class, group in zip(classes, self.group_of):
            self.group_endpoints[group] = self.group_endpoints[group] or pod_class.endpoint
        blocks = Relevance.of(engine.policies).ip_blocks
        self.block_index = {(b.network, b.excepts): i for i, b in enumerate(blocks)}
        self.sets: list[ConnectionSet] = []
        self._index: dict = {}
        self._unions: dict = {}
        self._peers: dict = {}
        self._rules: dict = {}
        self._ports: dict = {}
        self.intersections: dict = {}

    def intern(self, connections: ConnectionSet) -> int:
        found = self._index.get(connections)
        if found is None:
            found = self._index[connections] = len(self.sets)
            self.sets.append(connections)
        return found

    def union(self, ids) -> int:
        """The interned union of interned sets (ids: any iterable of indices)."""
        key = frozenset(ids)
        found = self._unions.get(key)
        if found is None:
            found = self._unions[key] = self.intern(union_all(self.sets[i] for i in key))
        return found

    def rule(self, policy, rule, over_sources: bool = False) -> list[bool]:
        """For each class (or source class): does some peer of the rule match it (as the other end)?"""
        if over_sources:
            key = (id(rule), True)
            if key not in self._rules:
                column = self.rule(policy, rule)
                self._rules[key] = [column[i] for i in self.sources]
            return self._rules[key]
        key = id(rule)
        if key not in self._rules:
            if rule.peers is None:
                self._rules[key] = self.everyone
            else:
                columns = [self._peer(peer, policy.namespace) for peer in rule.peers]
                self._rules[key] = columns[0] if len(columns) == 1 else [any(t) for t in zip(*columns)]
        return self._rules[key]

    def _peer(self, peer, namespace: str) -> list[bool]:
        key = (peer, namespace if isinstance(peer, PodPeer) and peer.namespaces is None else None)
        if key not in self._peers:
            if isinstance(peer, IPBlockPeer):
                index = self.block_index[(peer.network, peer.excepts)]
                self._peers[key] = [c.key[3][index] for c in self.classes]
            else:
                labels = self.engine.namespace_labels
                by_group = [peer.matches(e, namespace, labels(e.namespace)) for e in self.group_endpoints]
                self._peers[key] = [by_group[g] for g in self.group_of]
        return self._peers[key]

    def rule_ports(self, rule) -> list[int]:
        """For a rule naming ports: the interned set it admits toward each class as destination."""
        key = id(rule)
        if key not in self._ports:
            by_ports: dict = {}
            found = []
            for pod_class in self.classes:
                ports = pod_class.key[2]
                if ports not in by_ports:
                    by_ports[ports] = self.intern(rule.connections(pod_class.endpoint))
                found.append(by_ports[ports])
            self._ports[key] = found
        return self._ports[key]

    def all_id(self) -> int:
        return self.intern(ALL)
