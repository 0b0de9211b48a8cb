"""Line numbers for messages, found only when one is needed (loading itself keeps no positions).

A place is (file, document index, item index in a List or None); a field path such as
`spec.containers[0].ports` is followed through the file's YAML nodes as far as it exists.
"""
import re
from functools import lru_cache

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def line_of(place: tuple, path: str = "") -> int | None:
    file, document, item = place
    try:
        node = _documents(file)[document]
    except (IndexError, OSError, yaml.YAMLError):
        return None
    if item is not None:
        node = _child(_child(node, "items"), item)
    best = node
    for name, index in _STEP.findall(path):
        node = _child(node, int(index) if index else name)
        if node is None:
            break
        best = node
    return best.start_mark.line + 1 if best is not None else None


def where(place: tuple, path: str = "") -> str:
    line = line_of(place, path)
    return f"{place[0]}:{line}" if line else place[0]


@lru_cache(maxsize=8)
def _documents(file: str) -> list:
    with open(file, encoding="utf-8") as stream:
        return list(yaml.compose_all(stream, Loader=_Loader))


def _child(node, key):
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        found = [value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key]
        return found[-1] if found else None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None
