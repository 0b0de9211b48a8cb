"""The reachability grid of a set of pods, computed per pair of equivalence classes.

For speed the grid is built from columns (columns.py): each subject class's rules become lists
over all classes, zipped into one key per peer class, with one union per distinct key. Same answers
as `PolicyEngine.allowed_connections` for two distinct pods (a test checks that).
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

    def row(self, source: int) -> list[ConnectionSet]:
        """What the pod at this position may open toward each pod, by position."""
        row = list(map(self.grid[self.class_of[source]].__getitem__, self.class_of))
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
    if engine.tiered:  # admin tiers: evaluate each class pair with the engine itself
        grid = [[engine.allowed_connections(s.endpoint, d.endpoint, distinct=True) for d in classes] for s in classes]
        return Matrix(pods, classes, class_of, grid)
    columns = Columns(engine, classes)
    egress = [_vector(engine, columns, c, "egress") for c in classes]
    ingress_from = list(zip(*[_vector(engine, columns, c, "ingress") for c in classes]))
    return Matrix(pods, classes, class_of, [_row(columns, out, into) for out, into in zip(egress, ingress_from)])


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
    endpoint = subject.endpoint
    policies = [] if endpoint.host_network else engine.policies_selecting(endpoint, direction)
    count = len(columns.classes)
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
                merged.setdefault(columns.intern(rule.connections(endpoint)), []).append(columns.rule(policy, rule))
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
