"""The smallest verified change that lets a pod ask the cluster DNS (pure; used by dns_policy).

The shared explainer (policy_fix) speaks for an admin tier's Deny, a baseline Deny, a near-miss rule and
the DNS pods' own ingress. When the pod's egress NetworkPolicies simply have no rule for DNS, the fix is
an egress rule to the kube-dns pods on UDP and TCP 53: appended to an isolating policy that already has
egress rules (a default-deny is never widened), else a new policy selecting the pod by its stable
labels. The engine checks the edited policies admit both protocols to every denied DNS pod first.
A near miss that only adds the DNS pods as a peer to a rule for other traffic is not used: it would
admit every port of theirs.
"""
import copy
from dataclasses import dataclass, field

from ..model.kinds import NAMESPACE_NAME_LABEL
from ..model.snapshot import Snapshot
from ..policy.engine import PolicyEngine
from ..policy.near_miss import near_misses
from ..policy.near_miss_edits import stable_labels
from .policy_fix import flow

DNS_NAMESPACE = "kube-system"
DNS_LABELS = {"k8s-app": "kube-dns"}
DNS_RULE = {"to": [{"namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: DNS_NAMESPACE}},
                    "podSelector": {"matchLabels": DNS_LABELS}}],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}
TCP_TOO = " (and TCP 53, for large answers)"


@dataclass(frozen=True)
class DnsFix:
    text: str
    subject: str = ""  # empty: the explainer's subject
    evidence: dict = field(default_factory=dict)


def verified_fix(engine, side, client, dns_pods: list, why) -> DnsFix:
    """side: the denying side of the first denied DNS pod; why: policy_fix.explain's Denial for it."""
    if side.direction != "egress" or side.tier in ("admin", "baseline") or _corrects_a_rule(engine, client, dns_pods[0]):
        return DnsFix(why.fix + TCP_TOO)
    for policy in _with_egress_rules(engine, client):
        patched = copy.deepcopy(policy.source)
        patched["spec"]["egress"].append(DNS_RULE)
        if _admits(engine, policy.source, patched, client, dns_pods):
            return DnsFix(f"edit NetworkPolicy {policy.ref}: append to spec.egress: {flow(DNS_RULE)}",
                          f"NetworkPolicy {policy.ref}", {"verified": "the edited policy admits UDP and TCP 53"})
    labels = stable_labels(client.labels)
    new = _new_policy(client.namespace, labels)
    if labels and _admits(engine, None, new, client, dns_pods):
        return DnsFix(f"add a NetworkPolicy in {client.namespace} (leaving {', '.join(side.policies)} as "
                      f"{'it is' if len(side.policies) == 1 else 'they are'}): {flow(new['spec'])}",
                      f"NetworkPolicy {side.policies[0]}",
                      {"verified": "the new policy admits UDP and TCP 53"})
    return DnsFix(why.fix + TCP_TOO)


def _corrects_a_rule(engine, client, dns) -> bool:
    """A near miss that corrects a rule meant for DNS (a label or port typo); one that only adds the DNS
    pods as a peer of a rule for other traffic would admit every port of theirs: a DNS rule is better."""
    misses = near_misses(engine, client, dns, "egress", "UDP", 53)
    return bool(misses) and not {e.reason for e in misses[0].edits} <= {"add-peer", "add-port"}


def _with_egress_rules(engine, client) -> list:
    """The policies isolating the pod for egress that have rules (not a default-deny), in name order."""
    return [p for p in engine.policies_selecting(client, "egress") if (p.source.get("spec") or {}).get("egress")]


def _new_policy(namespace: str, labels: dict) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "allow-cluster-dns", "namespace": namespace},
            "spec": {"podSelector": {"matchLabels": labels}, "policyTypes": ["Egress"], "egress": [DNS_RULE]}}


def _admits(engine, original: dict | None, changed: dict, client, dns_pods: list) -> bool:
    """Does the client's egress admit UDP and TCP 53 to every DNS pod with `original` replaced by
    `changed` (original None: `changed` added)?"""
    snapshot = Snapshot(engine.snapshot.origin, dict(engine.snapshot.objects), list(engine.snapshot.gaps))
    kept = [p for p in snapshot.of("NetworkPolicy") if p is not original]
    snapshot.objects["NetworkPolicy"] = kept + [changed]
    edited = PolicyEngine(snapshot)
    return all(edited.check(client, dns, 53, protocol).egress.allowed for dns in dns_pods for protocol in ("UDP", "TCP"))
