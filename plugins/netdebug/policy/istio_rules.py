"""The rules of an Istio AuthorizationPolicy matched against one connection, three-valued. Pure.

A rule matches when its `from` (any source), `to` (any operation) and `when` (every condition) do; within
a source or operation every field must hold (a `notX` field holds when X does not). Principals and
namespaces come from the peer certificate, so only a client in the Istio mesh with mutual TLS has them.
What depends on the request (HTTP methods, paths, hosts, JWT, other `when` keys) is unknown, unless the
port is known to carry plain TCP: then an ALLOW rule using those fields never matches and a DENY rule is
read without them (Istio's documented handling, both the stricter way).
"""
from .mesh_match import TRUE, MeshClient, all_of, any_of, in_network, negate, of, unknown, wildcard

HTTP_FIELDS = ("hosts", "methods", "paths")
HTTP_ONLY = {"operation": {*HTTP_FIELDS, "notHosts", "notMethods", "notPaths"},
             "source": {"requestPrincipals", "notRequestPrincipals"}}


def tcp_view(rule: dict, deny: bool) -> dict | None:
    """The rule as the proxy of a plain TCP port applies it: None (never matches) for an ALLOW rule with
    HTTP-only fields; a DENY rule without them."""
    if not uses_http(rule):
        return rule
    if not deny:
        return None
    strip = lambda part, kind: {k: v for k, v in part.items() if k not in HTTP_ONLY[kind]}  # noqa: E731
    return {**rule, "from": [{"source": strip(e.get("source") or {}, "source")} for e in rule.get("from") or []],
            "to": [{"operation": strip(e.get("operation") or {}, "operation")} for e in rule.get("to") or []],
            "when": [c for c in rule.get("when") or [] if not c.get("key", "").startswith("request.")]}


def uses_http(rule: dict) -> bool:
    return any(set(e.get("source") or {}) & HTTP_ONLY["source"] for e in rule.get("from") or []) or \
        any(set(e.get("operation") or {}) & HTTP_ONLY["operation"] for e in rule.get("to") or []) or \
        any(c.get("key", "").startswith("request.") for c in rule.get("when") or [])


def rule_match(rule: dict, port: int | None, client: MeshClient):
    sources = [entry.get("source") or {} for entry in rule.get("from") or []]
    operations = [entry.get("operation") or {} for entry in rule.get("to") or []]
    return all_of([any_of(source_match(s, client) for s in sources) if sources else TRUE,
                   any_of(operation_match(o, port) for o in operations) if operations else TRUE,
                   all_of(condition_match(c, port, client) for c in rule.get("when") or [])])


def _split(key: str) -> tuple[str, bool]:
    """`notPrincipals` -> ("principals", True)."""
    if key.startswith("not") and key[3:4].isupper():
        return key[3].lower() + key[4:], True
    return key, False


def source_match(source: dict, client: MeshClient):
    checks = []
    for key, values in source.items():
        field, negative = _split(key)
        match = _source_field(field, values or [], client)
        checks.append(negate(match) if negative else match)
    return all_of(checks)


def _source_field(field: str, values: list, client: MeshClient):
    principal = client.istio_principal()  # None: no mutual TLS, so no identity and no namespace
    if field == "principals":
        return of(principal is not None and any(wildcard(v, principal) for v in values))
    if field == "namespaces":
        return of(principal is not None and any(wildcard(v, client.namespace) for v in values))
    if field in ("ipBlocks", "remoteIpBlocks"):
        return any_of(in_network(client.ip, block) for block in values)
    if field == "requestPrincipals":
        return unknown("from.source.requestPrincipals (the request's JWT)")
    return unknown(f"from.source.{field}")


def operation_match(operation: dict, port: int | None):
    checks = []
    for key, values in operation.items():
        field, negative = _split(key)
        if field == "ports" and port is not None:
            match = of(str(port) in [str(v) for v in values or []])
        elif field in HTTP_FIELDS:
            match = unknown(f"to.operation.{key} (the HTTP request)")
        else:
            match = unknown(f"to.operation.{key}")
        checks.append(negate(match) if negative else match)
    return all_of(checks)


def condition_match(condition: dict, port: int | None, client: MeshClient):
    key = condition.get("key", "")
    actual = _attribute(key, port, client)
    if actual is None:
        return unknown(f"when {key}")

    def hit(value: str):
        if key in ("source.ip", "remote.ip"):
            return in_network(client.ip, value)
        return of(actual != "" and wildcard(value, actual))

    wanted = condition.get("values") or []
    unwanted = condition.get("notValues") or []
    return all_of([any_of(hit(v) for v in wanted) if wanted else TRUE,
                   negate(any_of(hit(v) for v in unwanted)) if unwanted else TRUE])


def _attribute(key: str, port: int | None, client: MeshClient) -> str | None:
    """The value of a `when` key netdebug knows for this connection ("" when absent); None: unknown."""
    principal = client.istio_principal()
    known = {"source.principal": principal or "", "source.namespace": client.namespace if principal else "",
             "destination.port": str(port) if port is not None else None,
             "source.ip": client.ip, "remote.ip": client.ip}
    return known.get(key)

