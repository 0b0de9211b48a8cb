"""`netpolicy lint` as text: one line per finding (severity, code, message), then the fix."""
from collections import Counter

from .style import SEVERITY_COLOR, Style

_MARK = {"error": "fail", "warning": "warn", "info": "info"}


def lint_report(findings, notes: list[str]) -> dict:
    counts = Counter(f.severity for f in findings)
    return {
        "findings": [f.to_dict() for f in findings],
        "summary": {severity: counts.get(severity, 0) for severity in ("error", "warning", "info")},
        "notes": notes,
    }


def write_lint(report: dict, stream, style: Style = Style()) -> None:
    for finding in report["findings"]:
        severity = finding["severity"]
        label = style.paint(f"{severity:<7}", SEVERITY_COLOR[severity])
        stream.write(f"{style.mark(_MARK[severity])} {label} {finding['code']}: {finding['message']}\n")
        if finding.get("fix"):
            stream.write(f"    fix: {finding['fix']}\n")
    summary = report["summary"]
    if not report["findings"]:
        stream.write("No findings.\n")
    else:
        stream.write(f"\n{summary['error']} error(s), {summary['warning']} warning(s), {summary['info']} info\n")
    for note in report["notes"]:
        stream.write(f"{style.mark('warn')} {note}\n")
