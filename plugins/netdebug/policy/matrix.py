"""The reachability grid of a set of pods, computed per pair of equivalence classes.

Rows are source classes, columns destination classes: as a source a pod is seen without its named
ports (they only resolve on destinations), so classes differing only there share one row.
For speed the grid is built from columns (columns.py): each subject class's rules become lists
over the peer classes, zipped into one key per peer class, with one union per distinct key. Same
answers as `PolicyEngine.allowed_connections` for two distinct pods (a test checks that).
"""
from dataclasses import dataclass
from functools import reduce
from operator import or_

from ..model import objects
from .classes import PodClass, classify, sort_pods
from .columns import Columns
from .ports import ALL, ConnectionSet


@dataclass
class Matrix:
    pods: list[dict]  # sorted by namespace, name
    classes: list[PodClass]  # destination classes
    class_of: list[int]  # pod position -> (destination) class index
    source_of: list[int]  # class index -> source class index (the grid's row)
    grid: list[list[ConnectionSet]]  # source class x class, for two distinct pods

    def source_class(self, position: int) -> int:
        return self.source_of[self.class_of[position]]

    def connections(self, source: int, destination: int) -> ConnectionSet:
        """Allowed connections between two pods given by position (a pod always reaches itself)."""
        if source == destination:
            return ALL
        return self.grid[self.source_class(source)][self.class_of[destination]]

    def refs(self) -> list[str]:
        return [objects.ref(pod) for pod in self.pods]

    def row(self, source: int) -> list[ConnectionSet]:
        """What the pod at this position may open toward each pod, by position."""
        row = list(map(self.grid[self.source_class(source)].__getitem__, self.class_of))
        row[source] = ALL
        return row

    def pairs(self):
        """Every ordered pair of pods: (source position, destination position, ConnectionSet)."""
        for source in range(len(self.pods)):
            for destination, connections in enumerate(self.row(source)):
                yield source, destination, connections


def compute(engine, pods: list[dict]) -> Matrix:
    pods = sort_pods(pods)
    classes, class_of = classify(engine.policies, pods, engine.admin_rules)
    source_of, sources = _source_classes(classes)
    if engine.tiered:  # admin tiers: evaluate each class pair with the engine itself
        grid = [[engine.allowed_connections(s.endpoint, d.endpoint, distinct=True) for d in classes] for s in sources]
        return Matrix(pods, classes, class_of, source_of, grid)
    columns = Columns(engine, classes, [s.index for s in sources])
    egress = [_vector(engine, columns, s, "egress") for s in sources]
    ingress_from = list(zip(*[_vector(engine, columns, c, "ingress") for c in classes]))
    grid = [_row(columns, out, into) for out, into in zip(egress, ingress_from)]
    return Matrix(pods, classes, class_of, source_of, grid)


def _source_classes(classes: list[PodClass]) -> tuple[list[int], list[PodClass]]:
    """Classes that differ only in named ports are one source class: (class -> source, representatives)."""
    index: dict = {}
    source_of, sources = [], []
    for pod_class in classes:
        key = pod_class.key[:2] + pod_class.key[3:]
        if key not in index:
            index[key] = len(sources)
            sources.append(pod_class)
        source_of.append(index[key])
    return source_of, sources


def _row(columns: Columns, egress: list, ingress: tuple) -> list[ConnectionSet]:
    """One source's row: its egress toward each class intersected with that class's ingress from it."""
    sets, cache = columns.sets, columns.intersections
    pairs = list(zip(egress, ingress))
    for pair in set(pairs).difference(cache):
        cache[pair] = sets[pair[0]] & sets[pair[1]]
    return list(map(cache.__getitem__, pairs))


def _vector(engine, columns: Columns, subject: PodClass, direction: str) -> list[int]:
    """What the subject's side admits toward (egress) or from (ingress) each class, as interned ids.

    Rules admitting the same ports are merged into one column; a rule naming ports (egress: they
    resolve on each destination) adds its match column and its per-class port ids. One union per
    distinct combination; the loops over classes run inside zip/map/set."""
    endpoint, over_sources = subject.endpoint, direction == "ingress"
    policies = [] if endpoint.host_network else engine.policies_selecting(endpoint, direction)
    count = len(columns.sources if over_sources else columns.classes)
    if not policies:
        return [columns.all_id()] * count
    merged: dict = {}
    matched_named, named_ports = [], []
    for policy in policies:
        for rule in policy.rules(direction):
            if direction == "egress" and rule.static is None:
                matched_named.append(columns.rule(policy, rule))
                named_ports.append(columns.rule_ports(rule))
            else:
                merged.setdefault(columns.intern(rule.connections(endpoint)), []).append(
                    columns.rule(policy, rule, over_sources))
    ids = list(merged)
    if not ids and not named_ports:
        return [columns.union(())] * count
    keys = list(zip(*[reduce(_or, group) for group in merged.values()], *matched_named, *named_ports))
    unions = {key: columns.union(_chosen(ids, len(matched_named), key)) for key in set(keys)}
    return list(map(unions.__getitem__, keys))


def _or(left: list, right: list) -> list:
    return list(map(or_, left, right))


def _chosen(ids: list, named: int, key: tuple) -> list[int]:
    """The interned sets a key selects: merged columns that match, then matching named-port rules."""
    fixed, matched, ports = key[:len(ids)], key[len(ids):len(ids) + named], key[len(ids) + named:]
    return [i for i, m in zip(ids, fixed) if m] + [p for m, p in zip(matched, ports) if m]


@dataclass
class Group:
    name: str  # e.g. "shop/frontend"
    kind: str  # e.g. "Deployment"
    positions: list  # pod positions in the matrix


def group_cells(matrix: Matrix, groups: list[Group]) -> list[list[set]]:
    """For each ordered pair of groups, the distinct connection sets between their (distinct) pods;
    empty for a one-pod group with itself."""
    members = [_members(matrix, g) for g in groups]
    cells = []
    for i, (sources, _, _) in enumerate(members):
        row = []
        for j, (_, destinations, both) in enumerate(members):
            row.append({matrix.grid[s][d] for s, ns in sources.items() for d, nd in destinations.items()
                        if i != j or ns * nd > both.get((s, d), 0)})
        cells.append(row)
    return cells


def _members(matrix: Matrix, group: Group) -> tuple[dict, dict, dict]:
    """Pod counts per source class, per destination class and per (source, destination) pair:
    within one group a pair of classes occurs between two distinct pods iff ns * nd > both."""
    sources: dict = {}
    destinations: dict = {}
    both: dict = {}
    for position in group.positions:
        source, destination = matrix.source_class(position), matrix.class_of[position]
        sources[source] = sources.get(source, 0) + 1
        destinations[destination] = destinations.get(destination, 0) + 1
        both[(source, destination)] = both.get((source, destination), 0) + 1
    return sources, destinations, both
