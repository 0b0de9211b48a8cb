"""One cause, one error (pure): a static port warning about the port the probes saw refused becomes
evidence of that refusal instead of a finding of its own; DNS that "does not answer" while policy
denies the pod the cluster DNS (an error: declared, or confirmed by the lookups) is that denial's
evidence. Shared by svcdebug and netpath."""
from dataclasses import replace

from ..model.findings import Finding

CAUSES = ("not-listening", "listening-loopback-only")
FOLDED = ("target-port-not-exposed", "port-not-declared")
DNS_CAUSE = "policy-blocks-dns"
DNS_SYMPTOMS = ("dns-down", "dns-service-unresolved", "dns-short-name-unresolved")


def _port(finding: Finding):
    return finding.evidence.get("targetPort", finding.evidence.get("port"))


def root_cause_folds(findings: list[Finding]) -> dict[int, Finding | None]:
    """id(finding) -> its replacement: None for a folded warning, the cause with the warnings' messages
    under `declared` for a cause that absorbed some. Findings not in the map stay as they are."""
    causes = {_port(f): f for f in findings if f.code in CAUSES}
    absorbed: dict[int, list[Finding]] = {}
    changes: dict[int, Finding | None] = {}
    for finding in findings:
        cause = causes.get(_port(finding)) if finding.code in FOLDED else None
        if cause is not None:
            absorbed.setdefault(id(cause), []).append(finding)
            changes[id(finding)] = None
    for cause in causes.values():
        if id(cause) in absorbed:
            declared = [f.message for f in absorbed[id(cause)]]
            changes[id(cause)] = replace(cause, evidence={**cause.evidence, "declared": declared})
    return {**changes, **_dns_folds(findings)}


def _dns_folds(findings: list[Finding]) -> dict[int, Finding | None]:
    cause = next((f for f in findings if f.code == DNS_CAUSE and f.severity == "error"), None)
    symptoms = [f for f in findings if f.code in DNS_SYMPTOMS]
    if cause is None or not symptoms:
        return {}
    changes: dict[int, Finding | None] = {id(f): None for f in symptoms}
    changes[id(cause)] = replace(cause, evidence={**cause.evidence, "symptoms": [f.message for f in symptoms]})
    return changes


def fold_root_causes(findings: list[Finding]) -> list[Finding]:
    changes = root_cause_folds(findings)
    return [changes.get(id(f), f) for f in findings if changes.get(id(f), f) is not None]
