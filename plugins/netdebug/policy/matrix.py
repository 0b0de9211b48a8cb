"""The reachability grid of a set of pods, computed per pair of equivalence classes.

For speed the grid is built column-wise: each peer of each rule is matched once against every
class (a list of booleans), a subject class's rules are zipped into one signature per peer class,
and the union of connections is computed once per distinct signature. Same answers as
`PolicyEngine.allowed_connections` for two distinct pods (a test checks that).
"""
from dataclasses import dataclass

from ..model import objects
from .classes import PodClass, classify, sort_pods
from .peers import PodPeer
from .ports import ALL, NONE, ConnectionSet


@dataclass
class Matrix:
    pods: list[dict]  # sorted by namespace, name
    classes: list[PodClass]
    class_of: list[int]  # pod position -> class index
    grid: list[list[ConnectionSet]]  # class x class, for two distinct pods

    def connections(self, source: int, destination: int) -> ConnectionSet:
        """Allowed connections between two pods given by position (a pod always reaches itself)."""
        if source == destination:
            return ALL
        return self.grid[self.class_of[source]][self.class_of[destination]]

    def refs(self) -> list[str]:
        return [objects.ref(pod) for pod in self.pods]

    def pairs(self):
        """Every ordered pair of pods: (source position, destination position, ConnectionSet)."""
        for source in range(len(self.pods)):
            for destination in range(len(self.pods)):
                yield source, destination, self.connections(source, destination)


def compute(engine, pods: list[dict]) -> Matrix:
    pods = sort_pods(pods)
    classes, class_of = classify(engine.policies, pods)
    flags = _RuleFlags(engine, classes)
    egress = [_vector(engine, flags, classes, c, "egress") for c in classes]
    ingress_from = list(zip(*[_vector(engine, flags, classes, c, "ingress") for c in classes]))
    return Matrix(pods, classes, class_of, [_row(flags, out, into) for out, into in zip(egress, ingress_from)])


def _row(flags, egress: list, ingress: tuple) -> list[ConnectionSet]:
    """One source's row: its egress toward each class intersected with that class's ingress from it."""
    sets, cache, row = flags.sets, flags.intersections, []
    for pair in zip(egress, ingress):
        found = cache.get(pair)
        if found is None:
            found = cache[pair] = sets[pair[0]] & sets[pair[1]]
        row.append(found)
    return row


class _RuleFlags:
    """For each rule, which classes its peers match (list of bools), computed once per distinct peer."""

    def __init__(self, engine, classes: list[PodClass]):
        self.engine, self.classes = engine, classes
        self.everyone = [True] * len(classes)
        self.ports_keys = [tuple(sorted(c.endpoint.named_ports.items())) for c in classes]
        self._peers: dict = {}
        self._rules: dict = {}
        self.sets: list[ConnectionSet] = []  # interned: vectors hold indices into this list
        self._index: dict = {}
        self.intersections: dict = {}

    def intern(self, connections: ConnectionSet) -> int:
        if connections not in self._index:
            self._index[connections] = len(self.sets)
            self.sets.append(connections)
        return self._index[connections]

    def of(self, policy, rule) -> list[bool]:
        key = (policy.ref, id(rule))
        if key not in self._rules:
            if rule.peers is None:
                self._rules[key] = self.everyone
            else:
                columns = [self._peer(peer, policy.namespace) for peer in rule.peers]
                self._rules[key] = [any(t) for t in zip(*columns)]
        return self._rules[key]

    def _peer(self, peer, namespace: str) -> list[bool]:
        key = (peer, namespace if isinstance(peer, PodPeer) and peer.namespaces is None else None)
        if key not in self._peers:
            labels = self.engine.namespace_labels
            self._peers[key] = [peer.matches(c.endpoint, namespace, labels(c.endpoint.namespace)) for c in self.classes]
        return self._peers[key]


def _vector(engine, flags: _RuleFlags, classes: list[PodClass], subject: PodClass, direction: str) -> list:
    """What the subject's side admits toward each class (the subject's egress, or its ingress from it),
    as indices of interned connection sets."""
    endpoint = subject.endpoint
    policies = [] if endpoint.host_network else engine.policies_selecting(endpoint, direction)
    if not policies:
        return [flags.intern(ALL)] * len(classes)
    rules = [rule for policy in policies for rule in policy.rules(direction)]
    if not rules:
        return [flags.intern(NONE)] * len(classes)
    columns = [flags.of(policy, rule) for policy in policies for rule in policy.rules(direction)]
    by_ports = direction == "egress" and any(rule.static is None for rule in rules)
    union: dict = {}
    vector = []
    for peer, signature in zip(classes, zip(*columns)):
        key = (signature, flags.ports_keys[peer.index]) if by_ports else signature
        found = union.get(key)
        if found is None:
            found = union[key] = flags.intern(_union(rules, signature, peer.endpoint if direction == "egress" else endpoint))
        vector.append(found)
    return vector


def _union(rules, signature, destination) -> ConnectionSet:
    result = NONE
    for rule, matched in zip(rules, signature):
        if matched:
            result = result | rule.connections(destination)
    return result


@dataclass
class Group:
    name: str  # e.g. "shop/frontend"
    kind: str  # e.g. "Deployment"
    positions: list  # pod positions in the matrix


def group_cells(matrix: Matrix, groups: list[Group]) -> list[list[set]]:
    """For each ordered pair of groups, the distinct connection sets between their (distinct) pods;
    empty for a one-pod group with itself."""
    members = [_class_counts(matrix, g) for g in groups]
    cells = []
    for i, sources in enumerate(members):
        row = []
        for j, destinations in enumerate(members):
            row.append({matrix.grid[c][d] for c, n in sources.items() for d in destinations
                        if i != j or c != d or n > 1})
        cells.append(row)
    return cells


def _class_counts(matrix: Matrix, group: Group) -> dict:
    counts: dict = {}
    for position in group.positions:
        counts[matrix.class_of[position]] = counts.get(matrix.class_of[position], 0) + 1
    return counts
