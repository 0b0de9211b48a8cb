"""The matrix as rows: every ordered pod pair, or cells grouped by workload (imported when matrix runs)."""
from ..model import objects
from ..policy.matrix import Group, group_cells
from ..policy.ports import ALL
from ..policy.peers import container_named_ports
from ..model.resolve import workload_of


def pair_rows(grid, protocol: str, port: int | str | None, extra=()):
    """(from, [fields for each destination, in pod order]) per source pod, then per extra pseudo-source
    (name, [ConnectionSet per destination]); equal connection sets share one fields dict (renderers
    format each distinct dict once). A port name is looked up on each destination pod."""
    keys, key_ports = destination_keys(grid, port, protocol)
    cache: dict = {}
    by_class = [[_cached(cache, row[c], protocol, port, number) for c, number in key_ports] for row in grid.grid]
    own = {"protocol": protocol, "port": port, "allowed": True} if port else _fields(ALL, protocol, None, None)
    for source, ref in enumerate(grid.refs()):
        row = list(map(by_class[grid.source_class(source)].__getitem__, keys))
        row[source] = own
        yield ref, row
    numbers = [key_ports[key][1] for key in keys]
    for name, connections in extra:
        yield name, [_cached(cache, c, protocol, port, n) for c, n in zip(connections, numbers)]


def destination_keys(grid, port, protocol: str) -> tuple[list[int], list[tuple]]:
    """(pod position -> key, key -> (destination class, port number)): the class alone unless a port
    name is given, which each destination pod may map to another number (or lack: None)."""
    if not isinstance(port, str):
        return grid.class_of, [(c, port) for c in range(len(grid.classes))]
    pairs = [(c, container_named_ports(pod).get((port, protocol))) for c, pod in zip(grid.class_of, grid.pods)]
    index = {pair: i for i, pair in enumerate(dict.fromkeys(pairs))}
    return [index[pair] for pair in pairs], list(index)


def _cached(cache: dict, connections, protocol: str, port, number) -> dict:
    key = (id(connections), number)
    if key not in cache:
        cache[key] = (_fields(connections, protocol, port, number), connections)  # kept alive: ids stay unique
    return cache[key][0]


def _fields(connections, protocol: str, port, number) -> dict:
    if port:
        return {"protocol": protocol, "port": port, "allowed": number is not None and connections.contains(protocol,
                                                                                                      number)}
    return {"connections": str(connections), "allowed": not connections.is_empty}


def workload_groups(snapshot, grid) -> list[Group]:
    by_key: dict = {}
    for position, pod in enumerate(grid.pods):
        kind, name = workload_of(snapshot, pod)
        key = (objects.namespace(pod), name, kind)
        by_key.setdefault(key, Group(f"{key[0]}/{name}", kind, [])).positions.append(position)
    return [by_key[key] for key in sorted(by_key)]


def grouped_report(snapshot, grid, protocol: str, port: int | str | None, extra=()) -> dict:
    groups = workload_groups(snapshot, grid)
    numbers = _group_numbers(grid, groups, port, protocol)
    texts: dict = {}
    cells = [[_cached_cell(texts, values, protocol, port, numbers[column]) for column, values in enumerate(row)]
             for row in group_cells(grid, groups)]
    refs = grid.refs()
    return {"kind": "PolicyMatrix", "protocol": protocol if port else None, "port": port,
            "groups": [{"name": g.name, "kind": g.kind, "pods": [refs[p] for p in g.positions]} for g in groups],
            "cells": cells, **_extra_rows(groups, extra, protocol, port, numbers)}


def _group_numbers(grid, groups: list[Group], port, protocol: str) -> list[frozenset]:
    """Per destination group, the port numbers the port (name) means on its pods."""
    keys, key_ports = destination_keys(grid, port, protocol)
    return [frozenset(key_ports[keys[p]][1] for p in g.positions) for g in groups]


def _extra_rows(groups: list[Group], extra, protocol: str, port, numbers: list[frozenset]) -> dict:
    """Pseudo-sources as rows of cells over the workload columns (only present when there are some)."""
    rows = [{"name": name, "cells": [_cell({row[p] for p in g.positions}, protocol, port, n)
                                     for g, n in zip(groups, numbers)]}
            for name, row in extra]
    return {"extraRows": rows} if rows else {}


def _cached_cell(texts: dict, values: set, protocol: str, port, numbers: frozenset):
    key = (frozenset(map(id, values)), numbers)
    if key not in texts:
        texts[key] = (_cell(values, protocol, port, numbers), values)  # values kept alive: their ids stay unique
    return texts[key][0]


def _cell(values: set, protocol: str, port, numbers: frozenset):
    """None: no pair (one pod with itself); with a port True/False/"some"; else the set, or "mixed"."""
    if not values:
        return None
    if port:
        allowed = {n is not None and v.contains(protocol, n) for v in values for n in numbers}
        return allowed.pop() if len(allowed) == 1 else "some"
    texts = sorted(str(v) for v in values)
    return texts[0] if len(texts) == 1 else "mixed: " + " | ".join(texts)
