"""Evaluating the admin and baseline tiers for one side of a connection, as connection sets.

Rules are walked in precedence order; each claims, from the connections still undecided, those its
peers and ports match: allowed, denied or passed on. What the admin tier leaves (or passes) goes to
the NetworkPolicy tier when some NetworkPolicy isolates the pod, else to the baseline tier; what the
baseline tier leaves is allowed by default.
"""
from dataclasses import dataclass, field, replace

from .ports import ALL, NONE, ConnectionSet
from .verdict import RuleRef


@dataclass
class TierOutcome:
    allowed: ConnectionSet = NONE
    passed: ConnectionSet = NONE
    remaining: ConnectionSet = ALL
    decisions: list = field(default_factory=list)  # (AdminRule, peer index, ConnectionSet claimed)


def evaluate(rules, subject, peer, destination, remaining: ConnectionSet, namespace_labels) -> TierOutcome:
    """Walk one tier's rules (already in precedence order) for this side."""
    outcome = TierOutcome(remaining=remaining)
    subject_labels = namespace_labels(subject.namespace)
    peer_labels = namespace_labels(peer.namespace) if peer.is_pod else {}
    for rule in rules:
        if outcome.remaining.is_empty:
            break
        if not rule.subject.matches(subject, subject_labels):
            continue
        peer_index = rule.match_peer(peer, peer_labels)
        if peer_index is None:
            continue
        claimed = outcome.remaining & rule.connections(destination)
        if claimed.is_empty:
            continue
        outcome.remaining = outcome.remaining - claimed
        outcome.decisions.append((rule, peer_index, claimed))
        if rule.action == "allow":
            outcome.allowed = outcome.allowed | claimed
        elif rule.action == "pass":
            outcome.passed = outcome.passed | claimed
    return outcome


def combine(admin: TierOutcome, networkpolicy: ConnectionSet | None, baseline: TierOutcome | None) -> ConnectionSet:
    """The side's allowed set: admin allows, then the NetworkPolicy verdict (None: not isolated) on
    what is left, else the baseline tier's allows and whatever no tier decided."""
    undecided = admin.remaining | admin.passed
    if networkpolicy is not None:
        return admin.allowed | (undecided & networkpolicy)
    return admin.allowed | baseline.allowed | baseline.remaining | baseline.passed


def apply_tiers(engine, verdict, subject, peer, destination) -> None:
    """Fold the admin and baseline tiers into a side computed from NetworkPolicies alone."""
    direction, labels = verdict.direction, engine.namespace_labels
    admin = evaluate(_rules(engine.tiers["admin"], direction), subject, peer, destination, ALL, labels)
    baseline = None
    if not verdict.isolated:
        baseline = evaluate(_rules(engine.tiers["baseline"], direction), subject, peer, destination,
                            admin.remaining | admin.passed, labels)
    verdict.networkpolicy = (verdict.connections, verdict.rules, verdict.allowed)
    verdict.connections = combine(admin, verdict.connections if verdict.isolated else None, baseline)
    verdict.allowed = not verdict.connections.is_empty
    verdict.tiers = {"admin": _refs(admin), "baseline": _refs(baseline) if baseline else []}
    allows = [ref for tier in verdict.tiers.values() for ref, _, _ in tier if ref.action == "allow"]
    verdict.rules = allows + verdict.rules


def _rules(rules, direction: str) -> list:
    return [rule for rule in rules if rule.direction == direction]


def _refs(outcome: TierOutcome) -> list:
    """(RuleRef, connections claimed, AdminRule) per deciding rule."""
    return [(RuleRef(rule.policy, rule.kind, rule.direction, rule.index, peer, None, rule.action), claimed, rule)
            for rule, peer, claimed in outcome.decisions]


def narrow_tiers(side, protocol: str, port, destination, narrow_networkpolicy):
    """For one port: the tier and the rule that decide it (Pass hands it to the next tier)."""
    if side.loopback:
        return side
    passed = []  # the Pass rules that handed this port on, shown with the final decision
    for tier in ("admin", "baseline"):
        for ref, claimed, rule in side.tiers[tier]:
            if claimed.contains(protocol, port):
                ref = replace(ref, port=None if port is None else rule.port_index(protocol, port, destination))
                if ref.action == "pass":
                    passed.append(ref)
                    break
                side.tier, side.allowed, side.rules = tier, ref.action == "allow", [*passed, ref]
                return side
        if tier == "admin" and side.isolated:  # the NetworkPolicy tier decides what admin did not
            connections, rules, allowed = side.networkpolicy
            narrowed = narrow_networkpolicy(replace(side, connections=connections, rules=rules, allowed=allowed),
                                            protocol, port, destination)
            narrowed.tier, narrowed.connections, narrowed.rules = "networkpolicy", side.connections, \
                [*passed, *narrowed.rules]
            return narrowed
    side.tier, side.allowed, side.rules = "default", True, passed
    return side
