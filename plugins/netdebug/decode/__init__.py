"""The decode layer: every object read from files or from the API is checked here, once, before
anything else sees it. Past this layer every field netdebug reads has the type and value the API
allows (a string is a string, a port is 1-65535, a label key is a qualified name, ...).

Offline, a problem is bad input (the loader names file:line and the field). Live, the API server
already validated what it stored, so a problem means a shape we do not know (a newer API, a
CRD-backed field): the field is dropped and the answer carries a note.
"""
from functools import lru_cache

from .kinds import shape_of
from .shapes import Problem, check
from .values import describe


def problems(obj) -> list[Problem]:
    """Why the API server would reject this object, as (field path, message); [] when valid."""
    found: list[Problem] = []
    if _header_ok(obj, found):
        check(_shape(obj["kind"]), obj, "", found)
    return found


def repair(obj) -> tuple[dict | None, list[Problem]]:
    """The object with every invalid field removed (None when a required field, such as its name, is bad)."""
    found: list[Problem] = []
    if not _header_ok(obj, found):
        return None, found
    usable = check(_shape(obj["kind"]), obj, "", found, repair=True)  # False: a required field is bad
    return (obj if usable else None), found


def where(obj) -> str:
    """`Kind namespace/name` for messages, from whatever of it is readable."""
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    parts = [meta.get(key) for key in ("namespace", "name") if isinstance(meta.get(key), str) and meta.get(key)]
    kind = obj.get("kind") if isinstance(obj, dict) and isinstance(obj.get("kind"), str) else "object"
    return f"{kind} {'/'.join(parts)}".strip()


def _header_ok(obj, found: list) -> bool:
    if type(obj) is not dict:
        found.append(("", f"must be an object, not {describe(obj)}"))
        return False
    kind = obj.get("kind")
    if type(kind) is not str or not kind:
        found.append(("kind", "is required" if kind is None else f"must be a string, not {describe(kind)}"))
        return False
    return True


@lru_cache(maxsize=None)
def _shape(kind: str):
    return shape_of(kind)
