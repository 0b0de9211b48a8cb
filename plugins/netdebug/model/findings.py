"""Findings: what a diagnosis concluded, as data shared by svcdebug, netpath and lint.

`code` is a stable slug (tests, JSON output and docs share it); `evidence` holds the objects,
fields and values that prove it; `fix` says what to change.
"""
from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # one of SEVERITIES
    message: str
    evidence: dict = field(default_factory=dict)
    fix: str = ""
    subject: str = ""  # the object it is about, e.g. "Service shop/web"

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", {}, None)}


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable, so checklist order is kept within each."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
