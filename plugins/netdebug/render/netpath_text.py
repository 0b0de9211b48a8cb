"""The path drawn in the terminal: one line per hop, the first broken hop highlighted, the verdict,
then findings with their fixes and the probes that were run."""
from .netpath_hops import SUMMARY, WIDTH
from .netpath_probes import write_probes
from .style import SEVERITY_COLOR, Style

MARK = {"ok": "ok", "fail": "fail", "unknown": "unknown"}


def render(report: dict, stream, style: Style) -> None:
    port = f" {report['protocol']} {report['port']}" if report.get("port") else f" {report['protocol']}"
    stream.write(style.paint(f"{report['source']} → {report['destination']}{port}", "bold") + "\n\n")
    broken = next((h["name"] for h in report["hops"] if h["status"] == "fail"), None)
    for hop in report["hops"]:
        stream.write(_hop_line(hop, style, hop["name"] == broken) + "\n")
    stream.write("\n" + _verdict_line(report["verdict"], style) + "\n")
    _findings(report["findings"], stream, style)
    write_probes(report["probes"], stream, style)
    _notes(report.get("gaps") or [], stream)


def _hop_line(hop: dict, style: Style, first_broken: bool) -> str:
    name = hop["name"].ljust(WIDTH)
    text = SUMMARY[hop["name"]](hop["facts"])
    if hop["status"] == "unknown" and hop.get("reason"):
        text += f" — ? {hop['reason']}"
    if first_broken:
        return f"  {style.mark('fail')} {style.paint(name, 'red', 'bold')}{style.paint(text, 'red')}" \
               f"  {style.paint('<- first broken hop: ' + hop.get('code', ''), 'red', 'bold')}"
    warned = hop["status"] == "ok" and hop["facts"].get("enforced") is False  # declared no, observed yes
    return f"  {style.mark('warn' if warned else MARK[hop['status']])} {name}{text}"


def _verdict_line(verdict: str, style: Style) -> str:
    color = "green" if verdict == "reachable" else "yellow" if verdict == "unknown" or verdict.startswith("partly") \
        else "red"
    return f"verdict: {style.paint(verdict, color, 'bold')}"


def _findings(findings: list[dict], stream, style: Style) -> None:
    if not findings:
        return
    stream.write("\nfindings:\n")
    for finding in findings:
        severity = finding["severity"]
        head = style.paint(f"{severity}", SEVERITY_COLOR[severity], "bold")
        stream.write(f"  {head} {finding['code']}: {finding['message']}\n")
        for key, value in (finding.get("evidence") or {}).items():
            stream.write(f"      {key}: {_compact(value)}\n")
        if finding.get("fix"):
            stream.write(f"      {style.paint('fix:', 'bold')} {finding['fix']}\n")


def _notes(notes: list[str], stream) -> None:
    """What the walk could not read (RBAC, APIs not served): the answer may be incomplete."""
    if notes:
        stream.write("\nnotes:\n" + "".join(f"  - {note}\n" for note in notes))


def _compact(value) -> str:
    if isinstance(value, list):
        return ", ".join(_compact(v) for v in value) or "<none>"
    if isinstance(value, dict):
        return "; ".join(f"{k}={_compact(v)}" for k, v in value.items())
    return str(value)
