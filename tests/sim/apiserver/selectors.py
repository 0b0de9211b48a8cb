"""labelSelector and fieldSelector query strings, parsed and matched like kube-apiserver."""
import re

_SET = re.compile(r"^(!?)\s*([\w./-]+)\s*(?:(notin|in)\s*\((.*)\))?$")
_EQUALITY = re.compile(r"^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$")

# fieldSelector fields each kind supports beyond metadata.name and metadata.namespace.
FIELDS = {
    "Pod": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"},
    "Event": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"},
    "Secret": {"type"},
    "Namespace": {"status.phase"},
    "Node": {"spec.unschedulable"},
    "ReplicaSet": {"status.replicas"},
    "Job": {"status.successful"},
}


class SelectorError(ValueError):
    """The selector string is malformed or uses an unsupported field (HTTP 400)."""


def parse_labels(text: str | None) -> list:
    """Requirements as (key, operator, values); operators: in notin exists !exists."""
    requirements = []
    for part in _split(text or ""):
        match = _EQUALITY.match(part)
        if match:
            key, op, value = match.groups()
            requirements.append((key, "notin" if op == "!=" else "in", {value}))
            continue
        match = _SET.match(part)
        if not match:
            raise SelectorError(f"unable to parse requirement: {part!r}")
        negated, key, op, values = match.groups()
        if op:
            requirements.append((key, op, {v.strip() for v in values.split(",") if v.strip()}))
        else:
            requirements.append((key, "!exists" if negated else "exists", set()))
    return requirements


def labels_match(requirements: list, labels: dict) -> bool:
    for key, op, values in requirements:
        present = key in labels
        if op == "in" and not (present and labels[key] in values):
            return False
        if op == "notin" and present and labels[key] in values:
            return False
        if (op == "exists") != present and op in ("exists", "!exists"):
            return False
    return True


def parse_fields(text: str | None, kind: str) -> list:
    """Requirements as (field path, equal: bool, value)."""
    requirements = []
    for part in _split(text or ""):
        match = _EQUALITY.match(part)
        if not match:
            raise SelectorError(f"invalid selector: {text!r}")
        field, op, value = match.groups()
        if field not in ("metadata.name", "metadata.namespace") and field not in FIELDS.get(kind, ()):
            raise SelectorError(f'field label not supported: {field}')
        requirements.append((field, op != "!=", value))
    return requirements


def fields_match(requirements: list, obj: dict) -> bool:
    return all((_field_value(obj, field) == value) == equal for field, equal, value in requirements)


def _field_value(obj: dict, path: str) -> str:
    value = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if path == "source" and isinstance(value, dict):
        value = value.get("component")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _split(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]
