"""Execute a planner's Queries against the API, in parallel: gets and lists as plain dicts.

Forbidden or failing reads do not raise: the Cluster records them as gaps (kube/client.py). Kinds read
under a qualified name (Linkerd's AuthorizationPolicy, its older Server version) come back with their
real kind; a Linkerd Server the server does not serve at v1beta3 is read again at v1beta1.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..model.gaps import NOT_SERVED
from ..model.kinds import LINKERD_SERVER_V1BETA1, READ_AS
from ..model.queries import Query

PARALLEL = 8


def run_queries(cluster, queries: list[Query]) -> list[dict]:
    """Every object the queries found (a get that found nothing adds none), in the order asked."""
    if not queries:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(queries))) as pool:
        answers = list(pool.map(lambda query: _run(cluster, query), queries))
    older = [replace(q, kind=LINKERD_SERVER_V1BETA1) for q in queries if q.kind == "Server" and _unserved(cluster, q)]
    found = [obj for answer in answers for obj in answer] + run_queries(cluster, older)
    for obj in found:
        obj["kind"] = READ_AS.get(obj.get("kind"), obj.get("kind"))
    return found


def _unserved(cluster, query: Query) -> bool:
    return any(g.kind == query.kind and g.reason == NOT_SERVED and g.namespace == query.namespace for g in cluster.gaps)


def _run(cluster, query: Query) -> list[dict]:
    if query.name is not None:
        found = cluster.get(query.kind, query.namespace, query.name)
        return [found] if found else []
    return cluster.list(query.kind, query.namespace, label_selector=query.label_selector,
                        field_selector=query.field_selector)
