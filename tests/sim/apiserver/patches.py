"""The three PATCH content types, applied to plain dicts."""
import copy

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"


class PatchError(ValueError):
    """The patch cannot be applied (HTTP 422 / 400)."""


def merge_list_by_name(current: list[dict], patch: list) -> list[dict]:
    """Merge list items keyed by `name` (the patchMergeKey of container lists)."""
    merged = copy.deepcopy(current)
    for item in patch:
        if not isinstance(item, dict) or "name" not in item:
            raise PatchError("list items must be objects with a name")
        if item.get("$patch"):
            continue
        clean = {k: v for k, v in item.items() if not k.startswith("$")}
        existing = next((c for c in merged if c.get("name") == clean["name"]), None)
        if existing is None:
            merged.append(clean)
        else:
            existing.update(clean)
    return merged


def apply_json_patch(document: dict, operations: list) -> dict:
    """RFC 6902 add / replace / remove / test on a copy of the document."""
    document = copy.deepcopy(document)
    for operation in operations:
        op, path = operation.get("op"), _pointer(operation.get("path", ""))
        parent, key = _parent(document, path)
        if op == "test":
            if _get(parent, key) != operation.get("value"):
                raise PatchError(f"test failed at {operation.get('path')}")
        elif op == "remove":
            _get(parent, key)
            del parent[key if isinstance(parent, dict) else int(key)]
        elif op in ("add", "replace"):
            _put(parent, key, copy.deepcopy(operation.get("value")), op)
        else:
            raise PatchError(f"unsupported json patch operation {op!r}")
    return document


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise PatchError(f"invalid json pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def _parent(document, path: list[str]):
    node = document
    for part in path[:-1]:
        node = _get(node, part)
    return node, path[-1]


def _get(node, key: str):
    try:
        return node[key] if isinstance(node, dict) else node[int(key)]
    except (KeyError, IndexError, ValueError, TypeError):
        raise PatchError(f"path element {key!r} not found") from None


def _put(parent, key: str, value, op: str) -> None:
    if isinstance(parent, dict):
        if op == "replace":
            _get(parent, key)
        parent[key] = value
    elif isinstance(parent, list):
        if key == "-" and op == "add":
            parent.append(value)
        elif op == "add":
            parent.insert(int(key), value)
        else:
            _get(parent, key)
            parent[int(key)] = value
    else:
        raise PatchError(f"cannot set {key!r} on a scalar")
