"""`netpolicy matrix` as a workload grid (text), one row per pod pair (csv) or a graph (dot)."""
import csv
import io
import json

from .style import MARKS, Style

_PORT_CELLS = {True: MARKS["ok"], False: MARKS["fail"], "some": "~", None: "-"}


def write_text(report: dict, stream, style: Style, wide: bool = False) -> None:
    groups = report["groups"]
    if not groups:
        stream.write("no pods in scope\n")
        return
    stream.write(_title(report) + "\n")
    headers = ["FROM \\ TO", *[str(i + 1) for i in range(len(groups))]]
    rows = [[_row_label(i, g, wide), *[_cell(c, report) for c in cells]]
            for i, (g, cells) in enumerate(zip(groups, report["cells"]))]
    rows += [[extra["name"], *[_cell(c, report) for c in extra["cells"]]] for extra in report.get("extraRows", [])]
    table = columns([headers, *rows])
    if report["port"]:
        table = table.replace(MARKS["ok"], style.paint(MARKS["ok"], "green"))
        table = table.replace(MARKS["fail"], style.paint(MARKS["fail"], "red"))
    stream.write(table + "\n")
    stream.write(_legend(report) + "\n")
    for note in report.get("notes") or []:
        stream.write(f"note: {note}\n")


def columns(rows: list[list[str]]) -> str:
    """Left-aligned columns, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def _title(report: dict) -> str:
    if report["port"]:
        return f"Reachability on {report['protocol']} {report['port']} (rows: from, columns: to)"
    return "Allowed connections (rows: from, columns: to)"


def _row_label(index: int, group: dict, wide: bool) -> str:
    count = len(group["pods"])
    label = f"{index + 1} {group['name']}"
    if wide:
        return f"{label} ({group['kind']}, {count} pod{'s' if count != 1 else ''})"
    return label if count == 1 else f"{label} ({count})"


def _cell(cell, report: dict) -> str:
    if report["port"]:
        return _PORT_CELLS[cell]
    return "-" if cell is None else cell


def _legend(report: dict) -> str:
    counts = "; (n) pods in the workload" if any(len(g["pods"]) > 1 for g in report["groups"]) else ""
    if report["port"]:
        return (f"{MARKS['ok']} allowed  {MARKS['fail']} denied  ~ between some of the pods only  "
                f"- a single pod (it always reaches itself){counts}")
    return f"- a single pod (it always reaches itself){counts}"


def write_json_pairs(header: dict, rows, notes: list, stream) -> None:
    """The matrix as JSON, streamed with one line per pair (1000 pods make a million lines).
    rows: (from, [fields per destination in header["pods"] order]), equal fields sharing one dict."""
    stream.write(json.dumps(header, indent=2)[:-2] + ',\n  "connections": [')
    destinations = [f', "to": {json.dumps(ref)}' for ref in header["pods"]]
    tails: dict = {}
    separator = "\n"
    for source, fields in rows:
        start = f'    {{"from": {json.dumps(source)}'
        stream.write(separator + start + (",\n" + start).join(map(str.__add__, destinations, _formatted(tails, fields, _json_tail))))
        separator = ",\n"
    stream.write("\n  ]" if separator != "\n" else "]")
    stream.write(',\n  "notes": ' + json.dumps(notes, indent=2).replace("\n", "\n  ") + "\n}\n")


def _formatted(cache: dict, fields: list, format_one):
    """format_one(fields dict) for each destination, computed once per distinct dict."""
    ids = list(map(id, fields))
    missing = set(ids).difference(cache)
    if missing:
        by_id = dict(zip(ids, fields))
        cache.update((key, format_one(by_id[key])) for key in missing)
    return map(cache.__getitem__, ids)


def _json_tail(fields: dict) -> str:
    return ", " + json.dumps(fields)[1:]


def _csv_tail(fields: dict) -> str:
    return _csv_line([str(v).lower() if isinstance(v, bool) else v for v in fields.values()])


def write_csv_pairs(refs: list[str], rows, stream) -> None:
    """One CSV line per pair; booleans as true/false."""
    texts: dict = {}
    destinations = [f"{ref}," for ref in refs]
    for source, fields in rows:
        if not texts and fields:
            stream.write(",".join(["from", "to", *fields[0]]) + "\n")
        start = f"{source},"
        stream.write(start + start.join(map(str.__add__, destinations, _formatted(texts, fields, _csv_tail))))


def _csv_line(values: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def write_dot(report: dict, stream) -> None:
    """Workloads as nodes clustered by namespace; an edge for each allowed workload pair."""
    stream.write("digraph netpolicy {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n")
    by_namespace: dict = {}
    for group in report["groups"]:
        by_namespace.setdefault(group["name"].split("/", 1)[0], []).append(group)
    for namespace, groups in by_namespace.items():
        stream.write(f"  subgraph {_quote('cluster_' + namespace)} {{\n    label={_quote(namespace)};\n")
        for group in groups:
            label = f"{group['name'].split('/', 1)[1]}\\n{group['kind']}, {len(group['pods'])} pod(s)"
            stream.write(f"    {_quote(group['name'])} [label=\"{label}\"];\n")
        stream.write("  }\n")
    for source, cells in zip(report["groups"], report["cells"]):
        for destination, cell in zip(report["groups"], cells):
            edge = _edge(cell, report)
            if edge and source is not destination:
                stream.write(f"  {_quote(source['name'])} -> {_quote(destination['name'])} [{edge}];\n")
    stream.write("}\n")


def _edge(cell, report: dict) -> str | None:
    if cell is None or cell is False or cell == "none":
        return None
    if report["port"]:
        label = f"{report['protocol']} {report['port']}"
        return f"label={_quote(label)}" + (", style=dashed" if cell == "some" else "")
    return f"label={_quote(cell)}" + (", style=dashed" if cell.startswith("mixed") else "")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
