"""`netpolicy ingress` as text: a table of Ingress paths, then why each blocked path is blocked."""
from .netpolicy_matrix import columns
from .style import Style

_STATUS = {"allowed": ("ok", "green"), "blocked": ("fail", "red"), "partly-blocked": ("fail", "red"),
           "unknown": ("unknown", "yellow")}


def write_ingress(report: dict, stream, style: Style = Style()) -> None:
    paths = report["paths"]
    if not paths:
        stream.write("No Ingress in scope.\n")
    else:
        stream.write("May the ingress controller reach the backends of each Ingress path?\n\n")
        table = [["", "INGRESS", "HOST", "PATH", "SERVICE:PORT", "REACHABLE", "STATUS"]]
        table += [[_mark(p, style), p["ingress"], p["host"], p["path"] or "(default)", _service(p),
                   _backend_count(p), p["status"]] for p in paths]
        stream.write(columns(table) + "\n")
        for path in paths:
            stream.write("".join(_details(path, style)))
        stream.write(f"\n{_summary(paths)}\n")
    for note in report.get("notes") or []:
        stream.write(f"note: {note}\n")


def _mark(path: dict, style: Style) -> str:
    mark, _ = _STATUS[path["status"]]
    return style.mark(mark)


def _service(path: dict) -> str:
    return f"{path['service']}:{path['servicePort']}" if path["service"] else "-"


def _backend_count(path: dict) -> str:
    allowed = sum(1 for b in path["backends"] if b["allowed"])
    return f"{allowed}/{len(path['backends'])}"


def _details(path: dict, style: Style) -> list[str]:
    """Lines under a path that is not plainly allowed: the controllers, each denial, the notes."""
    if path["status"] == "allowed" and not path["notes"]:
        return []
    where = f"{path['ingress']} {path['host']}{path['path'] or ' (default backend)'}"
    lines = [f"\n{style.paint(where, 'bold')}: {path['status']}\n"]
    if path["controllers"]:
        lines.append(f"  controllers ({path['controllerSource']}): {', '.join(path['controllers'])}\n")
    for backend in path["backends"]:
        for check in backend["checks"]:
            if not check["allowed"]:
                lines.append(f"  {style.mark('fail')} {check['from']} -> {backend['pod']}:{backend['port']}/"
                             f"{backend['protocol']}: {_denial(check)}\n")
    lines += [f"  note: {note}\n" for note in path["notes"]]
    return lines


def _denial(check: dict) -> str:
    side = "the backend's ingress" if check["deniedBy"] == "ingress" else "the controller's egress"
    return f"denied by {side}: no rule of {', '.join(check['policies'])} admits it"


def _summary(paths: list[dict]) -> str:
    counts = {status: sum(1 for p in paths if p["status"] == status) for status in _STATUS}
    return (f"{len(paths)} path{'s' if len(paths) != 1 else ''}: {counts['allowed']} reachable, {counts['blocked']} blocked, "
            f"{counts['partly-blocked']} partly blocked, {counts['unknown']} not checked")
