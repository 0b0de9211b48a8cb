"""svcdebug over many Services as a table like `kubectl get`: one row per Service, broken ones first."""
from .netpolicy_matrix import columns
MESSAGE_WIDTH = 60
VERDICT_WORD = {"error": "broken", "warning": "warning", "ok": "ok"}


def write_table(reports: list[dict], stream, wide: bool = False) -> None:
    if not reports:
        stream.write("No Service in scope.\n")
        return
    header = ["NAMESPACE", "NAME", "TYPE", "VERDICT", "FIRST FINDING", "ENDPOINTS"] + (["FIX"] if wide else [])
    stream.write(columns([header] + [_row(r, wide) for r in reports]) + "\n")
    stream.write("\n" + _totals(reports) + "\n")
    for note in dict.fromkeys(n for r in reports for n in r.get("notes", [])):
        stream.write(f"note: {note}\n")


def _row(report: dict, wide: bool) -> list[str]:
    ns, name = report["service"].split("/", 1)
    first = report["findings"][0] if report["findings"] else None
    row = [ns, name, report.get("type", "<unknown>"), VERDICT_WORD[report["verdict"]], _finding(first, wide),
           _endpoints(report)]
    return row + ([(first or {}).get("fix", "") or "-"] if wide else [])


def _finding(finding: dict | None, wide: bool) -> str:
    """The code, and the message: whole with -o wide, else cut to keep one row per Service readable."""
    if finding is None:
        return "-"
    more = "" if finding["severity"] == "error" else f" ({finding['severity']})"
    message = finding["message"]
    if not wide and len(message) > MESSAGE_WIDTH:
        message = message[:MESSAGE_WIDTH - 1].rstrip() + "…"
    return f"{finding['code']}{more}: {message}"


def _endpoints(report: dict) -> str:
    endpoints = report.get("endpoints") or {}
    return f"{endpoints['ready']}/{endpoints['total']}" if "total" in endpoints else "<unknown>"


def _totals(reports: list[dict]) -> str:
    count = {v: sum(1 for r in reports if r["verdict"] == v) for v in ("error", "warning", "ok")}
    return (f"{len(reports)} Services: {count['error']} broken, {count['warning']} with warnings, "
            f"{count['ok']} without a problem found")
