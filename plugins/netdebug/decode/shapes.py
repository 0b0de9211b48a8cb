"""Shapes: what an object's fields must look like, and one walk that checks (and can repair) a value.

A shape is an `Obj` (known fields; unknown fields are left alone, as nothing reads them), a
`ListOf`, a `MapOf`, `ANY_OBJECT`, or a value rule from values.py. Null is "not set", as in the
API: a known field set to null is removed. A problem is (path, message), the path in kubectl's form
(`spec.containers[0].ports[1].containerPort`).
"""
from dataclasses import dataclass

from .values import describe


@dataclass(frozen=True)
class Obj:
    fields: dict
    required: tuple = ()


@dataclass(frozen=True)
class ListOf:
    item: object


@dataclass(frozen=True)
class MapOf:
    key: object  # a value rule for the keys
    value: object


ANY_OBJECT = Obj({})
_NESTED = (Obj, ListOf, MapOf)
Problem = tuple[str, str]


def check(shape, value, path: str, found: list, repair: bool = False) -> bool:
    """Append problems under `path` to `found`; True when the value is valid. With `repair`, invalid
    fields are removed from their object and invalid items from their list, so what remains is valid."""
    kind = type(shape)
    if kind is Obj:
        return _check_object(shape, value, path, found, repair)
    if kind is ListOf:
        return _check_list(shape, value, path, found, repair)
    if kind is MapOf:
        return _check_map(shape, value, path, found, repair)
    problem = shape(value)
    if problem:
        found.append((path, problem))
    return not problem


def _check_object(shape: Obj, value, path: str, found: list, repair: bool) -> bool:
    if type(value) is not dict:
        found.append((path, f"must be an object, not {describe(value)}"))
        return False
    complete = True
    for key in shape.required:
        if value.get(key) is None:
            found.append((_join(path, key), "is required"))
            complete = False
    fields, bad, unset = shape.fields, [], []
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            continue
        if item is None:
            unset.append(key)
            continue
        if type(field) in _NESTED:
            ok = check(field, item, _join(path, key), found, repair)
        else:
            problem = field(item)
            ok = not problem
            if problem:
                found.append((_join(path, key), problem))
        if not ok:
            bad.append(key)
    for key in unset:  # null is "not set": the field goes, so nothing past this layer meets a None
        del value[key]
    if repair and complete and not any(key in shape.required for key in bad):
        for key in bad:
            del value[key]
        return True  # what remains is valid
    return complete and not bad


def _check_list(shape: ListOf, value, path: str, found: list, repair: bool) -> bool:
    if type(value) is not list:
        found.append((path, f"must be a list, not {describe(value)}"))
        return False
    if None in value:  # a null item decodes to the item type's zero value, as in the API
        value[:] = [_zero(shape.item) if item is None else item for item in value]
    bad = [index for index, item in enumerate(value) if not check(shape.item, item, f"{path}[{index}]", found, repair)]
    if repair and bad:
        dropped = set(bad)
        value[:] = [item for index, item in enumerate(value) if index not in dropped]
        return True
    return not bad


def _check_map(shape: MapOf, value, path: str, found: list, repair: bool) -> bool:
    if type(value) is not dict:
        found.append((path, f"must be an object, not {describe(value)}"))
        return False
    for key in [key for key, item in value.items() if item is None]:
        value[key] = _zero(shape.value)
    bad = [key for key, item in value.items()
           if not check(shape.key, key, path, found, repair) or not check(shape.value, item, _join(path, key), found, repair)]
    for key in bad if repair else ():
        del value[key]
    return repair or not bad


def _zero(shape):
    return {} if isinstance(shape, (Obj, MapOf)) else [] if isinstance(shape, ListOf) else ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
