"""Execute a planner's Queries against the API, in parallel: gets and lists as plain dicts.

Forbidden or failing reads do not raise: the Cluster records them as gaps (kube/client.py).
"""
from concurrent.futures import ThreadPoolExecutor

from ..model.queries import Query

PARALLEL = 8


def run_queries(cluster, queries: list[Query]) -> list[dict]:
    """Every object the queries found (a get that found nothing adds none), in the order asked."""
    if not queries:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(queries))) as pool:
        answers = list(pool.map(lambda query: _run(cluster, query), queries))
    return [obj for answer in answers for obj in answer]


def _run(cluster, query: Query) -> list[dict]:
    if query.name is not None:
        found = cluster.get(query.kind, query.namespace, query.name)
        return [found] if found else []
    return cluster.list(query.kind, query.namespace, label_selector=query.label_selector,
                        field_selector=query.field_selector)
