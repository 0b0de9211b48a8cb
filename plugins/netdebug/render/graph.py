"""`netpolicy matrix -o mermaid|html`: the workload graph as Mermaid, or one self-contained HTML page.

Both read the grouped matrix report (groups of pods per workload, one cell per workload pair).
Mermaid collapses a source's edges with identical port sets into one edge to several targets.
The HTML page embeds the graph as SVG drawn by Graphviz `dot` (no network needed to view it).
"""
import html
import io
import shutil
import subprocess

from . import netpolicy_matrix


def edge_label(cell, report: dict) -> str | None:
    """The label of an allowed workload pair, None when nothing is allowed (or a lone pod)."""
    if cell is None or cell is False or cell == "none":
        return None
    if report["port"]:
        return f"{report['protocol']} {report['port']}" + (" (some pods)" if cell == "some" else "")
    return cell


def collapsed_edges(report: dict) -> list[tuple[int, str, list[int]]]:
    """(source index, label, [target indices]): one entry per source and distinct port set."""
    edges = []
    for source, cells in enumerate(report["cells"]):
        by_label: dict[str, list[int]] = {}
        for target, cell in enumerate(cells):
            label = edge_label(cell, report)
            if label and target != source:
                by_label.setdefault(label, []).append(target)
        edges += [(source, label, targets) for label, targets in sorted(by_label.items())]
    return edges


def _mermaid_text(text: str) -> str:
    """Mermaid entity codes for the characters that would end a quoted label or start a tag."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def write_mermaid(report: dict, stream) -> None:
    stream.write("flowchart LR\n")
    by_namespace: dict[str, list[int]] = {}
    for index, group in enumerate(report["groups"]):
        by_namespace.setdefault(group["name"].split("/", 1)[0], []).append(index)
    for number, (namespace, members) in enumerate(by_namespace.items()):
        stream.write(f"  subgraph ns{number}[\"{_mermaid_text(namespace)}\"]\n")
        for index in members:
            group = report["groups"][index]
            name = _mermaid_text(group["name"].split("/", 1)[1])
            stream.write(f"    w{index}[\"{name}<br/>{group['kind']}, {len(group['pods'])} pod(s)\"]\n")
        stream.write("  end\n")
    for source, label, targets in collapsed_edges(report):
        stream.write(f"  w{source} -->|\"{_mermaid_text(label)}\"| {' & '.join(f'w{t}' for t in targets)}\n")


def svg_of(report: dict) -> tuple[str | None, str]:
    """(inline SVG, "") drawn by Graphviz, or (None, why not)."""
    dot = shutil.which("dot")
    if dot is None:
        return None, "Graphviz (dot) is not installed: the graph is left out"
    source = io.StringIO()
    netpolicy_matrix.write_dot(report, source)
    done = subprocess.run([dot, "-Tsvg"], input=source.getvalue(), capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return None, f"Graphviz failed: {done.stderr.strip()[:200]}"
    svg = done.stdout
    return svg[svg.find("<svg"):], ""


def _matrix_table(report: dict) -> str:
    groups = report["groups"]
    head = "".join(f"<th title=\"{html.escape(g['name'])}\">{i + 1}</th>" for i, g in enumerate(groups))
    rows = []
    for index, (group, cells) in enumerate(zip(groups, report["cells"])):
        tds = "".join(_cell_html(cell, report) for cell in cells)
        rows.append(f"<tr><th class=\"row\">{index + 1}. {html.escape(group['name'])} "
                    f"({len(group['pods'])})</th>{tds}</tr>")
    return f"<table><tr><th>from \\ to</th>{head}</tr>\n" + "\n".join(rows) + "</table>"


def _cell_html(cell, report: dict) -> str:
    label = edge_label(cell, report)
    if cell is None:
        return "<td class=\"self\">-</td>"
    if label is None:
        return "<td class=\"deny\">none</td>"
    return f"<td class=\"allow\">{html.escape(label)}</td>"


_STYLE = """body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}td.allow{background:#e6f4ea}
td.deny{background:#fce8e6;color:#a50e0e}td.self{color:#999}.note{color:#8a6d00}"""


def write_html(report: dict, stream) -> None:
    title = f"Reachability on {report['protocol']} {report['port']}" if report["port"] else "Allowed connections"
    svg, why = svg_of(report)
    notes = list(report.get("notes") or []) + ([why] if why else [])
    stream.write(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>netpolicy matrix</title>"
                 f"<style>{_STYLE}</style></head><body>\n<h1>{html.escape(title)}</h1>\n")
    stream.write(_matrix_table(report) + "\n")
    if svg:
        stream.write(f"<h2>Allowed connections between workloads</h2>\n{svg}\n")
    for note in notes:
        stream.write(f"<p class=\"note\">note: {html.escape(note)}</p>\n")
    stream.write("</body></html>\n")


def write_graph(fmt: str, report: dict, stream) -> None:
    (write_mermaid if fmt == "mermaid" else write_html)(report, stream)
