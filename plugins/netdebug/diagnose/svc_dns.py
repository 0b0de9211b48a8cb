"""May the pod that resolves the Service's names ask the cluster DNS? (pure; svcdebug)

The shared engine decides, through the function netpath's dns hop uses (dns_policy.blocked), for the
--from pod or, live without it, the probe client that looks the names up. The probes' lookups from
that pod then settle it: all failing confirm the policy is the cause (the "DNS down" symptoms fold
into it: one cause, one error, root_cause.py); any answer from a DNS pod the policy denies shows the
CNI does not enforce NetworkPolicy (policy-not-enforced; the denial stays as context).
"""
from dataclasses import replace

from ..model import objects
from ..model.findings import Finding
from ..model.gaps import unreadable
from ..model.probes import NOT_RUN
from . import dns_policy
from .dns_policy_fix import DNS_NAMESPACE
from .probe_dns_verdicts import client_of
from .probe_verdicts import not_enforced

CODE = "policy-blocks-dns"
LISTED = 10
GAP_EFFECTS = {
    "Pod": "cluster DNS pods not readable: the DNS policy check skipped",
    "NetworkPolicy": "NetworkPolicies in kube-system not readable: the cluster DNS pods' ingress not checked",
    "Namespace": "Namespace kube-system not readable: its labels assumed (kubernetes.io/metadata.name only)",
}


def dns_gap_effect(gap, namespace: str | None) -> str | None:
    """What a gap in the cluster DNS's namespace hides when the Service lives elsewhere (None: not that)."""
    return GAP_EFFECTS.get(gap.kind) if gap.namespace == DNS_NAMESPACE != namespace else None


def dns_policy_findings(facts, client_pod: dict | None, confirmed_later: bool = False) -> list[Finding]:
    """policy-blocks-dns for this client, when its namespace's policies were readable. An error for a
    --from pod; for a probe client (`confirmed_later`) a warning until its lookups confirm it."""
    if client_pod is None or unreadable(facts.snapshot.gaps, "NetworkPolicy", objects.namespace(client_pod)):
        return []
    found = dns_policy.blocked(facts.snapshot, facts.engine, client_pod)
    if found is None:
        return []
    return [replace(found, severity="warning") if confirmed_later else found]


def reconcile_dns_policy(findings: list[Finding], results: list, subject: str) -> list[Finding]:
    """The probes' lookups from the denied client confirm the policy, or show it is not enforced."""
    blocked = next((f for f in findings if f.code == CODE), None)
    lookups = [r for r in results if blocked is not None and r.spec.kind == "dns"
               and client_of(r) == blocked.evidence.get("client") and r.outcome not in NOT_RUN]
    if not lookups:
        return findings
    lines = [f"{client_of(r)}: {r.spec.target} -> {r.outcome} {r.detail}".strip() for r in lookups][:LISTED]
    resolved = [r for r in lookups if r.outcome == "resolved"]
    if not resolved:
        return [_confirmed(f, lookups, lines) if f is blocked else f for f in findings]
    if blocked.evidence.get("UDP 53 allowed to"):  # some DNS pods are allowed: their answers prove nothing
        return [replace(f, evidence={**f.evidence, "observed": lines}) if f is blocked else f for f in findings]
    context = replace(blocked, severity="info", evidence={**blocked.evidence, "observed": lines},
                      message=f"{blocked.message}; declared only: the lookups resolved (policy-not-enforced)")
    found = [context if f is blocked else f for f in findings]
    if not any(f.code == "policy-not-enforced" for f in found):
        found.append(_not_enforced(blocked, resolved, subject))
    return found


def _confirmed(blocked: Finding, lookups: list, lines: list[str]) -> Finding:
    return replace(blocked, severity="error", evidence={**blocked.evidence, "observed": lines},
                   message=f"{blocked.message}; the probes confirm it: {len(lookups)} of {len(lookups)} "
                           "lookup(s) fail")


def _not_enforced(blocked: Finding, resolved: list, subject: str) -> Finding:
    lines = [f"{client_of(r)}: {r.spec.target} -> resolved {r.detail}".strip() for r in resolved][:LISTED]
    return not_enforced(f"NetworkPolicy denies {blocked.evidence.get('client')} the cluster DNS, yet its lookups "
                        "resolved: the network plugin does not enforce NetworkPolicy",
                        {"resolved although denied": lines}, subject, blocked)
