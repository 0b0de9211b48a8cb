"""Findings: what a diagnosis concluded, as data shared by svcdebug, netpath and lint.

`code` is a stable slug (tests, JSON output and docs share it); `evidence` holds the objects,
fields and values that prove it; `fix` says what to change.
"""
import os
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    """Equal to its plain string, so findings built with "error" and Severity.ERROR are the same."""
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITIES = tuple(s.value for s in Severity)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # one of SEVERITIES
    message: str
    evidence: dict = field(default_factory=dict)
    fix: str = ""
    subject: str = ""  # the object it is about, e.g. "Service shop/web"

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"finding {self.code}: severity {self.severity!r} is not one of {SEVERITIES}")
        if os.environ.get("NETDEBUG_STRICT_CODES"):
            _check_catalogued(self.code)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", {}, None)}


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable, so checklist order is kept within each."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def _check_catalogued(code: str) -> None:
    """Tests set NETDEBUG_STRICT_CODES so that an undocumented code fails loudly, in-process or not."""
    from .catalogue import CATALOGUE
    if code not in CATALOGUE:
        raise ValueError(f"finding code {code!r} is not in model/catalogue.py (and docs/findings.md)")
