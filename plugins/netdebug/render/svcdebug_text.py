"""The human svcdebug report: a one-line verdict, the findings with evidence and fix, probes, notes."""
from .style import SEVERITY_COLOR, Style

VERDICT_MARK = {"error": "fail", "warning": "warn", "ok": "ok"}
PROBE_MARK = {"connected": "ok", "resolved": "ok", "http": "ok", "read": "ok", "listening": "info",
              "refused": "fail", "timeout": "fail", "nxdomain": "fail", "dns-error": "fail"}
INLINE_WIDTH = 90
GROUP = 3


def write_text(report: dict, stream, style: Style) -> None:
    lines = _headline(report, style)
    for finding in report["findings"]:
        lines += [""] + _finding(finding, style)
    if report.get("probes"):
        lines += ["", style.paint("probes:", "bold")] + _probe_lines(report["probes"], style)
    if report.get("notes"):
        lines += ["", style.paint("notes:", "bold")] + [f"  - {note}" for note in report["notes"]]
    stream.write("\n".join(lines) + "\n")


def _headline(report: dict, style: Style) -> list[str]:
    mark = style.mark(VERDICT_MARK[report["verdict"]])
    lines = [f"{mark} {style.paint('Service ' + report['service'], 'bold')}: {report['summary']}"]
    if "type" in report:
        endpoints = report["endpoints"]
        counted = f"{endpoints['ready']}/{endpoints['total']} ready (from {endpoints['source']})" \
            if "total" in endpoints else "not known"
        external = f" (external {', '.join(report['externalAddresses'])})" if "externalAddresses" in report else ""
        lines.append(f"  {report['type']} {report['address']}{external}, ports {', '.join(report['ports']) or '<none>'}, "
                     f"endpoints {counted}")
    return lines


def _finding(finding: dict, style: Style) -> list[str]:
    severity = finding["severity"]
    label = style.paint(f"{severity.upper():7}", SEVERITY_COLOR[severity], "bold")
    lines = [f"{label} {style.paint(finding['code'], 'bold')}: {finding['message']}"]
    for key, value in (finding.get("evidence") or {}).items():
        lines += _evidence(key, value, "          ")
    if finding.get("fix"):
        lines.append(f"          {style.paint('fix:', 'green')} {finding['fix']}")
    return lines


def _evidence(key: str, value, indent: str) -> list[str]:
    if isinstance(value, dict):
        return [f"{indent}{key}:"] + [line for k, v in value.items() for line in _evidence(k, v, indent + "  ")]
    if not isinstance(value, list):
        return [f"{indent}{key}: {value}"]
    if all(not isinstance(v, (dict, list)) for v in value):
        inline = ", ".join(str(v) for v in value)
        if len(inline) + len(indent) + len(key) < INLINE_WIDTH:
            return [f"{indent}{key}: {inline or '<none>'}"]
        return [f"{indent}{key}:"] + [f"{indent}  - {v}" for v in value]
    return [f"{indent}{key}:"] + [line for item in value for line in _item(item, indent + "  ")]


def _item(item, indent: str) -> list[str]:
    """A list entry that is a dict: its first value as the head, short values after it, lists below it."""
    if not isinstance(item, dict):
        return [f"{indent}- {item}"]
    values = [v[0] if isinstance(v, list) and len(v) == 1 else v for v in item.values()]
    inline = [str(v) for v in values[1:] if not isinstance(v, (list, dict))]
    lines = [f"{indent}- {values[0]}" + (f": {' — '.join(inline)}" if inline else "")]
    for value in values[1:]:
        if isinstance(value, list):
            lines += [f"{indent}    {v}" for v in value]
    return lines


def _probe_lines(probes: list[dict], style: Style) -> list[str]:
    """One line per probe; more than GROUP probes alike (kind, client, port, outcome) share one line."""
    groups: dict = {}
    for probe in probes:
        groups.setdefault((probe["kind"], probe["from"], probe.get("port"), probe["outcome"]), []).append(probe)
    lines = []
    for (kind, client, port, outcome), members in groups.items():
        if len(members) > GROUP and kind in ("tcp", "udp"):
            slowest = max(m.get("elapsedMs") or 0 for m in members)
            mark = style.mark(PROBE_MARK.get(outcome, "unknown"))
            lines.append(f"  {mark} {kind:9} {client} -> {len(members)} targets:{port}: {outcome} "
                         f"(slowest {slowest:.0f} ms)")
        else:
            lines += [_probe(m, style) for m in members]
    return lines


def _probe(probe: dict, style: Style) -> str:
    mark = style.mark("unknown" if probe.get("bestEffort") else PROBE_MARK.get(probe["outcome"], "unknown"))
    if probe["kind"] == "resolv" and probe["outcome"] == "read":
        return (f"  {mark} {'resolv':9} {probe['from']}: search {' '.join(probe.get('search') or []) or '<none>'}, "
                f"ndots {probe.get('ndots')}, nameservers {' '.join(probe.get('nameservers') or []) or '<none>'}")
    if probe["kind"] == "listening" and probe["outcome"] == "listening":
        sockets = ", ".join(f"{s['address']}:{s['port']}/{s['protocol']}" for s in probe.get("sockets") or [])
        return f"  {style.mark('info')} {'listening':9} {probe['from']}: {sockets or 'nothing'}"
    target = probe.get("target", "") + (f":{probe['port']}" if probe.get("port") else "")
    arrow = f" -> {target}" if target else ""
    detail = " ".join(probe.get("addresses") or [])
    if PROBE_MARK.get(probe["outcome"]) != "ok":
        detail = probe.get("detail") or ""
    took = f" ({probe['elapsedMs']:.0f} ms)" if probe.get("elapsedMs") else ""
    detail = f" {detail}" if detail else ""
    return f"  {mark} {probe['kind']:9} {probe['from']}{arrow}: {probe['outcome']}{detail}{took}"
