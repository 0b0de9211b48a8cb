"""Why a policy denies one connection, and the smallest fix: shared by netpath and svcdebug. Pure.

The deciding tier speaks first: an admin policy's Deny is named with its rule (no NetworkPolicy can
override it, so none is suggested); a baseline Deny is overridden by a NetworkPolicy selecting the
pod. In the NetworkPolicy tier the rule that almost admits the traffic is named with the edit that
makes it admit it (policy/near_miss); without one, a new policy selecting the pod by its stable labels.
"""
from dataclasses import dataclass, replace

from ..model.kinds import NAMESPACE_NAME_LABEL
from ..policy.near_miss import NearMiss, near_misses
from ..policy.near_miss_admin import admin_near_misses
from ..policy.near_miss_edits import peer_entry, stable_labels


@dataclass(frozen=True)
class Denial:
    reason: str  # what denies it, e.g. "AdminNetworkPolicy deny-all rule 0 (Deny) decides before any NetworkPolicy"
    fix: str
    subject: str  # the object to change, e.g. "NetworkPolicy payments/api-from-web"
    evidence: dict


def explain(engine, side, source, destination, protocol: str, port: int | None,
            service_port: int | None = None) -> Denial:
    """side: the denying DirectionVerdict of engine.check(source, destination, port, protocol)."""
    decided = side.rules[-1] if side.tier in ("admin", "baseline") and side.rules else None
    if decided is not None and decided.action == "deny":
        found = _admin_denial(decided, side, source, destination, protocol, port)
        found = _with_admin_near_miss(found, engine, side, source, destination, protocol, port)
    else:
        misses = near_misses(engine, source, destination, side.direction, protocol, port, service_port)
        found = _near_miss(misses[0], misses[1:], side) if misses else \
            _new_policy(side, source, destination, protocol, port)
    passed = [f"{r.kind} {r.policy} rule {r.rule} (Pass)" for r in side.rules if r.action == "pass"]
    return replace(found, evidence={**found.evidence, "passed on by": passed}) if passed else found


def _admin_denial(ref, side, source, destination, protocol, port) -> Denial:
    what = f"{ref.kind} {ref.policy} {side.direction} rule {ref.rule} (Deny)"
    evidence = {"decided by": what}
    if side.tier == "admin":
        return Denial(f"{what} decides before any NetworkPolicy",
                      f"only a cluster admin can change this: in {ref.kind} "
                      f"{ref.policy}, narrow {side.direction} rule {ref.rule} or put an Allow (or Pass) rule for "
                      f"{_port(protocol, port)} before it; no NetworkPolicy can override an admin Deny",
                      f"{ref.kind} {ref.policy}", evidence)
    subject = source if side.direction == "egress" else destination
    other = destination if side.direction == "egress" else source
    return Denial(f"{what} decides: no NetworkPolicy selects {side.pod} for {side.direction}",
                  f"a NetworkPolicy selecting it overrides the baseline: {_unlabelled(subject, other)}create one in "
                  f"{subject.namespace} with "
                  f"podSelector {flow(stable_labels(subject.labels))} and an {side.direction} rule admitting "
                  f"{_port(protocol, port)} {_peer_text(side.direction, other, subject.namespace)} (it isolates the "
                  f"pod for {side.direction}: admit its other {side.direction} traffic there too)",
                  f"{ref.kind} {ref.policy}", evidence)


def _with_admin_near_miss(found: Denial, engine, side, source, destination, protocol, port) -> Denial:
    """An admin Allow/Pass rule that a selector typo keeps from matching: the admin fix is to correct it."""
    misses = admin_near_misses(engine, source, destination, side.direction, protocol, port)
    if not misses:
        return found
    miss = misses[0]
    where = f"{miss.kind} {miss.policy} {miss.direction} rule {miss.rule}"
    changes = "; ".join(describe_edit(e) for e in miss.edits)
    evidence = {**found.evidence, "near miss": where, "patch": changes}
    if side.tier != "admin":
        return replace(found, evidence=evidence)
    return replace(found, fix=f"only a cluster admin can change this: {where} almost admits it first: {changes}",
                   subject=f"{miss.kind} {miss.policy}", evidence=evidence)


def _near_miss(miss: NearMiss, others: list, side) -> Denial:
    changes = "; ".join(describe_edit(e) for e in miss.edits)
    evidence = {"near miss": f"NetworkPolicy {miss.policy} {miss.direction} rule {miss.rule}", "patch": changes}
    if others:
        evidence["also near"] = [f"{m.policy} {m.direction} rule {m.rule}" for m in others]
    return Denial(f"{', '.join(side.policies)} select{'s' if len(side.policies) == 1 else ''} {side.pod} for "
                  f"{side.direction} and no rule admits it; "
                  f"{miss.policy} {miss.direction} rule {miss.rule} almost does",
                  f"edit NetworkPolicy {miss.policy} {miss.direction} rule {miss.rule}: {changes}",
                  f"NetworkPolicy {miss.policy}", evidence)


def _new_policy(side, source, destination, protocol, port) -> Denial:
    subject = source if side.direction == "egress" else destination
    other = destination if side.direction == "egress" else source
    where = subject.namespace if subject.is_pod else "?"
    return Denial(f"{', '.join(side.policies)} select{'s' if len(side.policies) == 1 else ''} {side.pod} for "
                  f"{side.direction} and no rule admits it",
                  f"{_unlabelled(subject, other)}add a NetworkPolicy in {where} with podSelector "
                  f"{flow(stable_labels(subject.labels))} and an {side.direction} rule admitting "
                  f"{_port(protocol, port)} {_peer_text(side.direction, other, where)}",
                  f"NetworkPolicy {side.policies[0]}" if side.policies else f"Pod {side.pod}", {})


def _unlabelled(*endpoints) -> str:
    """A pod without stable labels cannot be selected alone: {} would select its whole namespace."""
    bare = [e.ref for e in endpoints if e.is_pod and not stable_labels(e.labels)]
    if not bare:
        return ""
    return f"first give {' and '.join(bare)} a label that survives a rollout (in the pod template), then "


def _peer_text(direction: str, peer, namespace: str) -> str:
    word = "to" if direction == "egress" else "from"
    if not peer.is_pod:
        return f"{word} ipBlock {peer.ref}/{128 if ':' in peer.ref else 32}"
    return f"{word} {flow(peer_entry(peer, namespace))}"


def _port(protocol: str, port) -> str:
    return f"{protocol} {port}" if port is not None else protocol


def describe_edit(edit) -> str:
    path, old, new = field_path(edit.path), edit.old, edit.new
    if edit.reason == "service-port":
        return f"{path}: {old} -> {new} (it admits the Service port {old}; packets arrive on the targetPort {new})"
    if edit.reason in ("add-peer", "add-port"):
        return f"append to {field_path(edit.path[:-1])}: {flow(new)}"
    if edit.reason == "namespace":
        return f"add {path}: {flow(new)} (the peer is in namespace {new['matchLabels'][NAMESPACE_NAME_LABEL]})"
    if edit.reason == "generated-label":
        return f"remove {path} (a label the controller generates; it changes with every rollout)"
    if edit.reason == "extra-term":
        return f"remove {path} (the peer does not carry it)"
    return f"{path}: {flow(old)} -> {flow(new)}"


def field_path(path: tuple) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def flow(value) -> str:
    """YAML flow style: {podSelector: {matchLabels: {app: web}}}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return str(value)
