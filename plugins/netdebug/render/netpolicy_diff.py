"""`netpolicy diff` as text (a terminal) or Markdown (a pull-request comment)."""
from .style import Style

_SIGN = {"added": "+", "removed": "-", "modified": "~"}


def _policy_line(change: dict) -> str:
    fields = f" ({', '.join(change['fields'])})" if change.get("fields") else ""
    return f"{_SIGN[change['change']]} NetworkPolicy {change['policy']} {change['change']}{fields}"


def _lines(row: dict) -> list[tuple[str, str]]:
    """(sign, connections) for the added and removed parts of one workload pair."""
    return [(sign, row[key]) for sign, key in (("+", "added"), ("-", "removed")) if row[key] != "none"]


def write_text(report: dict, stream, style: Style = Style()) -> None:
    rows = report["connections"]
    stream.write(f"Connectivity changes from {report['before']} to {report['after']}: "
                 f"{len(rows) or 'none'}{' workload pair(s)' if rows else ''}\n")
    for row in rows:
        for sign, connections in _lines(row):
            color = "green" if sign == "+" else "red"
            why = f"  [{', '.join(row['policies'])}]" if row["policies"] else ""
            stream.write(style.paint(f"{sign} {row['from']} -> {row['to']}: {connections}", color)
                         + f"  ({row['podPairs']} pod pairs){why}\n")
    if report["policies"]:
        stream.write("\nPolicy changes:\n")
        for change in report["policies"]:
            stream.write(f"  {_policy_line(change)}\n")
    for note in report.get("notes", []):
        stream.write(f"note: {note}\n")


def write_markdown(report: dict, stream) -> None:
    rows = report["connections"]
    stream.write(f"### NetworkPolicy connectivity diff\n\n`{report['before']}` → `{report['after']}`: ")
    stream.write(f"**{len(rows)} workload pair(s) changed**\n\n" if rows else "**no connectivity change**\n\n")
    if rows:
        stream.write("| | from | to | connections | pod pairs | policies |\n|---|---|---|---|---|---|\n")
        for row in rows:
            for sign, connections in _lines(row):
                word = "added" if sign == "+" else "removed"
                stream.write(f"| {word} | `{row['from']}` | `{row['to']}` | {connections} | {row['podPairs']} | "
                             f"{', '.join(f'`{p}`' for p in row['policies']) or '—'} |\n")
        stream.write("\n")
    if report["policies"]:
        stream.write("Policy changes:\n\n")
        for change in report["policies"]:
            stream.write(f"- `{_policy_line(change)}`\n")
    for note in report.get("notes", []):
        stream.write(f"\n> note: {note}\n")
