"""Query: one read a planner asks the API for (pure data); kube/queries.py executes them."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    kind: str
    namespace: str | None = None  # None: cluster-scoped kind, or every namespace
    name: str | None = None  # set: a get of that one object; else a list
    label_selector: str | None = None
    field_selector: str | None = None
