"""Istio AuthorizationPolicy (security.istio.io v1 and v1beta1): may this client's requests reach a
workload's port? Pure.

Which policies apply: those in the workload's namespace and in the root namespace (istio-system),
without a selector (namespace- or mesh-wide) or whose selector matches the pod's labels. Policies with
targetRef(s) bind to a gateway or waypoint, not to the workload's own proxy. Order, as documented:
CUSTOM (an external authorizer: netdebug cannot say what it answers), then DENY (any matching rule
denies), then ALLOW (no ALLOW policy: allowed; some ALLOW rule matches: allowed; else denied). AUDIT
decides nothing. A policy matches when one of its rules does; a policy without rules matches nothing
(so `spec: {}` as ALLOW denies every request) and a rule `{}` matches everything.
"""
import copy
from dataclasses import replace

from ..model import objects
from .istio_rules import rule_match, tcp_view, uses_http
from .mesh_match import FALSE, Decision, MeshClient, any_of

GROUP = "security.istio.io"
ROOT_NAMESPACE = "istio-system"


def is_istio(policy: dict) -> bool:
    return str(policy.get("apiVersion", "")).split("/")[0] == GROUP


def applicable(policies: list[dict], pod: dict) -> tuple[list[dict], list[dict]]:
    """(the policies the pod's own proxy enforces, the ones bound by targetRef(s) to a gateway/waypoint)."""
    ns, labels = objects.namespace(pod), objects.labels(pod)
    enforced, elsewhere = [], []
    for policy in policies:
        if not is_istio(policy) or objects.namespace(policy) not in (ns, ROOT_NAMESPACE):
            continue
        spec = objects.spec(policy)
        if spec.get("targetRef") or spec.get("targetRefs"):
            if objects.namespace(policy) == ns:
                elsewhere.append(policy)
            continue
        wanted = (spec.get("selector") or {}).get("matchLabels") or {}
        if all(labels.get(k) == v for k, v in wanted.items()):
            enforced.append(policy)
    return enforced, elsewhere


def action(policy: dict) -> str:
    return objects.spec(policy).get("action") or "ALLOW"


def evaluate(policies: list[dict], pod: dict, port: int | None, client: MeshClient, tcp: bool = False) -> Decision | None:
    """The decision for the client's requests to pod:port; None when no AuthorizationPolicy applies.
    `tcp`: the port is known to carry plain TCP, not HTTP (istio_rules.tcp_view)."""
    enforced, _ = applicable(policies, pod)
    if not enforced:
        return None
    if tcp and any(uses_http(r) for p in enforced for r in objects.spec(p).get("rules") or []):
        decision = evaluate([_tcp_policy(p) for p in enforced], pod, port, client)
        return replace(decision, facts={**decision.facts, "tcp": port})
    for policy in (p for p in enforced if action(p) == "CUSTOM"):
        match = policy_match(policy, port, client)[0]
        if match.value is not False:
            provider = (objects.spec(policy).get("provider") or {}).get("name", "")
            return _decision("unknown", policy, None, "custom-authorizer", (f"the CUSTOM provider {provider!r}",))
    return _deny_then_allow(enforced, port, client)


def _tcp_policy(policy: dict) -> dict:
    rules = [tcp_view(rule, action(policy) == "DENY") for rule in objects.spec(policy).get("rules") or []]
    return {**policy, "spec": {**objects.spec(policy), "rules": rules}}


def _deny_then_allow(enforced: list[dict], port: int | None, client: MeshClient) -> Decision:
    pending = ()
    for policy in (p for p in enforced if action(p) == "DENY"):
        match, index = policy_match(policy, port, client)
        if match.value is True:
            return _decision("denied", policy, index, "deny-rule-matches")
        pending += match.unknown
    allows = [p for p in enforced if action(p) == "ALLOW"]
    lists = tuple(f"AuthorizationPolicy {objects.ref(p)}" for p in allows)
    if not allows:
        return Decision("Istio", "unknown" if pending else "allowed", why="deny-rule-may-match" if pending else
                        "no-allow-policy", unknown=pending)
    maybe = ()  # what the ALLOW rules that may match depend on
    for policy in allows:
        match, index = policy_match(policy, port, client)
        if match.value is True:
            outcome, why = ("unknown", "deny-rule-may-match") if pending else ("allowed", "allow-rule-matches")
            return _decision(outcome, policy, index, why, pending, lists)
        maybe += match.unknown
    if pending or maybe:
        return Decision("Istio", "unknown", lists[0], why="allow-rule-may-match", unknown=pending + maybe,
                        allow_lists=lists)
    if not any(objects.spec(p).get("rules") for p in allows):
        return Decision("Istio", "denied", lists[0], why="allow-nothing", allow_lists=lists)
    edit = near_rule(allows, port, client)
    decided_by = f"AuthorizationPolicy {objects.ref(edit[0])}" if edit else lists[0]
    return Decision("Istio", "denied", decided_by, edit[1] if edit else None, "no-allow-rule-matches",
                    allow_lists=lists, facts={"edit": {"field": edit[2], "add": edit[3]}} if edit else {})


def near_rule(allows: list[dict], port: int | None, client: MeshClient):
    """The smallest verified edit that admits the client: (policy, rule index, field path, value to add) for
    a rule that would match once the client's principal (else namespace) is added to one of its sources."""
    principal = client.istio_principal()
    if principal is None:
        return None
    for field, value in (("principals", principal), ("namespaces", client.namespace)):
        for policy in allows:
            for index, rule in enumerate(objects.spec(policy).get("rules") or []):
                for place, entry in enumerate((rule or {}).get("from") or []):
                    if field not in (entry.get("source") or {}):
                        continue
                    edited = copy.deepcopy(rule)
                    edited["from"][place]["source"][field] = list(entry["source"][field]) + [value]
                    if rule_match(edited, port, client).value is True:
                        return policy, index, f"rules[{index}].from[{place}].source.{field}", value
    return None


def _decision(outcome, policy, index, why, unknown_fields=(), lists=()) -> Decision:
    return Decision("Istio", outcome, f"AuthorizationPolicy {objects.ref(policy)}", index, why, tuple(unknown_fields),
                    lists)


def policy_match(policy: dict, port: int | None, client: MeshClient):
    """(whether some rule matches, the index of the first rule that surely does)."""
    matches = [rule_match(rule, port, client) if rule is not None else FALSE
               for rule in objects.spec(policy).get("rules") or []]
    index = next((i for i, m in enumerate(matches) if m.value is True), None)
    return any_of(matches), index
