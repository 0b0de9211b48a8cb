"""The matrix as rows: every ordered pod pair, or cells grouped by workload (imported when matrix runs)."""
from ..model import objects
from ..policy.matrix import Group, group_cells
from ..policy.ports import ALL
from .endpoints import workload_of


def pair_rows(grid, protocol: str, port: int | None, extra=()):
    """(from, [fields for each destination, in pod order]) per source pod, then per extra pseudo-source
    (name, [ConnectionSet per destination]); equal connection sets share one fields dict (renderers
    format each distinct dict once)."""
    cache: dict = {id(ALL): _fields(ALL, protocol, port)}
    by_class = []
    for row in grid.grid:
        ids = list(map(id, row))
        for connections in {id(c): c for c in row}.values() if set(ids).difference(cache) else ():
            cache.setdefault(id(connections), _fields(connections, protocol, port))
        by_class.append(list(map(cache.__getitem__, ids)))
    own = cache[id(ALL)]
    for source, ref in enumerate(grid.refs()):
        row = list(map(by_class[grid.source_class(source)].__getitem__, grid.class_of))
        row[source] = own
        yield ref, row
    for name, connections in extra:
        yield name, [cache.setdefault(id(c), _fields(c, protocol, port)) for c in connections]


def _fields(connections, protocol: str, port: int | None) -> dict:
    if port:
        return {"protocol": protocol, "port": port, "allowed": connections.contains(protocol, port)}
    return {"connections": str(connections), "allowed": not connections.is_empty}


def workload_groups(snapshot, grid) -> list[Group]:
    by_key: dict = {}
    for position, pod in enumerate(grid.pods):
        kind, name = workload_of(snapshot, pod)
        key = (objects.namespace(pod), name, kind)
        by_key.setdefault(key, Group(f"{key[0]}/{name}", kind, [])).positions.append(position)
    return [by_key[key] for key in sorted(by_key)]


def grouped_report(snapshot, grid, protocol: str, port: int | None, extra=()) -> dict:
    groups = workload_groups(snapshot, grid)
    texts: dict = {}
    cells = [[_cached_cell(texts, values, protocol, port) for values in row] for row in group_cells(grid, groups)]
    refs = grid.refs()
    return {"kind": "PolicyMatrix", "protocol": protocol if port else None, "port": port,
            "groups": [{"name": g.name, "kind": g.kind, "pods": [refs[p] for p in g.positions]} for g in groups],
            "cells": cells, **_extra_rows(groups, extra, protocol, port)}


def _extra_rows(groups: list[Group], extra, protocol: str, port: int | None) -> dict:
    """Pseudo-sources as rows of cells over the workload columns (only present when there are some)."""
    rows = [{"name": name, "cells": [_cell({row[p] for p in g.positions}, protocol, port) for g in groups]}
            for name, row in extra]
    return {"extraRows": rows} if rows else {}


def _cached_cell(texts: dict, values: set, protocol: str, port: int | None):
    key = frozenset(map(id, values))
    if key not in texts:
        texts[key] = (_cell(values, protocol, port), values)  # values kept alive: their ids stay unique
    return texts[key][0]


def _cell(values: set, protocol: str, port: int | None):
    """None: no pair (one pod with itself); with a port True/False/"some"; else the set, or "mixed"."""
    if not values:
        return None
    if port:
        allowed = {v.contains(protocol, port) for v in values}
        return allowed.pop() if len(allowed) == 1 else "some"
    texts = sorted(str(v) for v in values)
    return texts[0] if len(texts) == 1 else "mixed: " + " | ".join(texts)
