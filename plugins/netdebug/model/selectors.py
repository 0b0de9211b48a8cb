"""Kubernetes label selectors: matching, validation and the `-l` string syntax.

A selector is the API's dict form: {"matchLabels": {...}, "matchExpressions": [...]}.
An empty selector ({}) matches everything; whether an *absent* selector means "all" or
"none" depends on the field, so callers decide that before calling `matches`.
"""
import re

from ..errors import InputError

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def matches(selector: dict, labels: dict) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    return all(_expression_matches(expr, labels) for expr in selector.get("matchExpressions") or [])


def _expression_matches(expr: dict, labels: dict) -> bool:
    key, operator = expr.get("key"), expr.get("operator")
    values = expr.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    raise InputError(f"unknown selector operator {operator!r}")


def problems(selector: dict) -> list[str]:
    """Why the API server would reject this selector (empty list: valid)."""
    found = []
    for expr in selector.get("matchExpressions") or []:
        operator, values = expr.get("operator"), expr.get("values") or []
        if operator not in OPERATORS:
            found.append(f"unknown operator {operator!r} for key {expr.get('key')!r}")
        elif operator in ("In", "NotIn") and not values:
            found.append(f"operator {operator} needs values (key {expr.get('key')!r})")
        elif operator in ("Exists", "DoesNotExist") and values:
            found.append(f"operator {operator} takes no values (key {expr.get('key')!r})")
    return found


_SET_TERM = re.compile(r"^\s*(!?)([\w./-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")
_EQ_TERM = re.compile(r"^\s*([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)\s*$")


def parse(text: str) -> dict:
    """Parse kubectl's `-l` syntax (`a=b,c!=d,e in (x,y),!f`) into selector dict form."""
    selector: dict = {"matchLabels": {}, "matchExpressions": []}
    for term in _split_terms(text):
        eq = _EQ_TERM.match(term)
        if eq:
            key, op, value = eq.groups()
            if op == "!=":
                selector["matchExpressions"].append({"key": key, "operator": "NotIn", "values": [value]})
            else:
                selector["matchLabels"][key] = value
            continue
        st = _SET_TERM.match(term)
        if not st:
            raise InputError(f"invalid label selector {text!r}: cannot parse {term.strip()!r}")
        negate, key, op, values = st.groups()
        if op:
            items = [v.strip() for v in values.split(",") if v.strip()]
            selector["matchExpressions"].append({"key": key, "operator": "In" if op == "in" else "NotIn", "values": items})
        else:
            selector["matchExpressions"].append({"key": key, "operator": "DoesNotExist" if negate else "Exists"})
    return selector


def _split_terms(text: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        terms.append(current)
    return terms


def to_string(selector: dict | None) -> str:
    """Canonical short form used in explanations: `app=web,tier in (a,b)`; `<all>` for empty."""
    if selector is None:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op, key = expr.get("operator"), expr.get("key")
        if op in ("In", "NotIn"):
            parts.append(f"{key} {'in' if op == 'In' else 'notin'} ({','.join(expr.get('values') or [])})")
        else:
            parts.append(key if op == "Exists" else f"!{key}")
    return ",".join(parts) or "<all>"
