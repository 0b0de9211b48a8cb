"""svcdebug's concluder (pure): the static checklist's findings + typed probe results -> the final findings.

Rules that keep the answer consistent with its own evidence:
- observation beats declaration: a NetworkPolicy denial the probes saw (connections time out) is an
  error; one they did not see (they connected) is kept as context only, beside policy-not-enforced
  (and so is what policy would deny the backends through their own Service);
- one cause, one error: a refused targetPort absorbs the static "the pods do not declare that port"
  warning of the same port as its evidence;
- when client probes ran and every one failed, the Service does not work: if no finding says why,
  `service-unreachable` does.
"""
from dataclasses import replace

from ..model.findings import Finding, has_errors
from .probe_verdicts import ProbeFacts, client_of, conclude, direct_probes
from .root_cause import fold_root_causes
from .svc_dns import reconcile_dns_policy

LISTED = 10


def conclude_service(static: list[Finding], results: list, facts: ProbeFacts) -> list[Finding]:
    found = reconcile_policy(static, results, facts) + unenforced_context(conclude(results, facts))
    found = reconcile_dns_policy(found, results, facts.subject)
    return client_outcome(fold_root_causes(found), results, facts)


def unenforced_context(found: list[Finding]) -> list[Finding]:
    """Once the probes showed NetworkPolicy is not enforced, what policy would deny a backend is context."""
    if not any(f.code == "policy-not-enforced" for f in found):
        return found
    return [replace(f, message=f"{f.message}; declared only: the probes show NetworkPolicy is not enforced")
            if f.code == "own-service-denied" else f for f in found]


def client_probes(results: list, facts: ProbeFacts) -> list:
    """Connects from the Service's clients (not its own backends) to its ClusterIP or its endpoints, that ran."""
    return [r for r in results if r.spec.kind in ("tcp", "http") and facts.client_roles.get(client_of(r)) != "backend"
            and (r.spec.target in facts.cluster_ips or r.spec.target in facts.endpoint_pods)
            and (r.reached or r.failed)]


def reconcile_policy(static: list[Finding], results: list, facts: ProbeFacts) -> list[Finding]:
    checked = [(r, facts.policy.get((client_of(r), r.spec.target, r.spec.port))) for r in direct_probes(results, facts)
               if r.spec.kind == "tcp"]
    denied = [(r, check) for r, check in checked if getattr(check, "allowed", None) is False]
    found = []
    for finding in static:
        direction = finding.code.removeprefix("policy-blocks-")
        mine = [(r, c) for r, c in denied if finding.code.startswith("policy-blocks-") and c.denied_by == direction]
        found.append(_observed(finding, mine) if mine else finding)
    return found


def _observed(finding: Finding, denied: list) -> Finding:
    timed_out = [r for r, _ in denied if r.outcome == "timeout"]
    lines = [f"{client_of(r)} -> {r.spec.target}:{r.spec.port}/TCP: {r.outcome}" for r, _ in denied]
    if timed_out:
        return replace(finding, severity="error", evidence={**finding.evidence, "observed": lines[:LISTED]},
                       message=f"{finding.message}; the probes confirm it: {len(timed_out)} of {len(denied)} "
                               "denied connection(s) time out")
    return replace(finding, severity="info", evidence={**finding.evidence, "observed": lines[:LISTED]},
                   message=f"{finding.message}, declared only: the probes connected (policy-not-enforced)")


def client_outcome(findings: list[Finding], results: list, facts: ProbeFacts) -> list[Finding]:
    probes = client_probes(results, facts)
    if not probes or any(r.reached for r in probes) or has_errors(findings):
        return findings
    lines = [f"{client_of(r)} -> {r.spec.target}:{r.spec.port}: {r.outcome}" for r in probes]
    return findings + [Finding("service-unreachable", "error",
                               f"every probe from the client pods to {facts.subject} failed ({len(probes)} of "
                               f"{len(probes)})", {"failed": lines[:LISTED]},
                               "read the probes below: the path from the clients to the pods is blocked or the "
                               "pods do not answer", facts.subject)]
