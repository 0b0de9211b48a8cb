"""`kubectl netpolicy matrix`: the reachability grid of the selected pods."""
import sys

import click

from ..render.structured import write_structured
from ..render.style import Style
from ..model import objects
from .netpolicy_load import load_engine, notes, require_policies, scoped_pods
from .options import (OUTPUT_FORMATS, PORT, cluster_options, make_cluster_options, output_options, protocol_option,
                      use_color)
from .usage import ALL_SCOPE, CONTEXT_SETTINGS, NS_SCOPE, epilog

NOTES = """Pods: every namespace unless -n NS; -l filters them.  Text groups pods by workload;
-o json/yaml/csv list every ordered pair of pods; -o dot draws workloads and allowed edges.
A port name means each destination pod's port of that name."""
EXAMPLES = [
    ("kubectl netpolicy matrix", "every pod of every namespace"),
    ("kubectl netpolicy matrix -n shop --port http", "one namespace, one (named) port"),
    ("kubectl netpolicy matrix -l tier=backend -o dot | dot -Tsvg > m.svg", "a picture of the allowed edges"),
]
EPILOG = epilog(EXAMPLES, {0: "the matrix was computed"}, NOTES)


@click.command(context_settings=CONTEXT_SETTINGS, name="matrix", epilog=EPILOG)
@click.option("--port", default=None, type=PORT, help="Only this port (number or name): cells say allowed or not.")
@protocol_option()
@cluster_options(namespace_help=NS_SCOPE, all_help=ALL_SCOPE)
@output_options((*OUTPUT_FORMATS, "csv", "dot", "mermaid", "html"))
def matrix(port, protocol, output, no_color, **kwargs):
    """Which pods may reach which: allowed connections per pair.

    Every ordered pair of the selected pods, grouped by workload."""
    from ..diagnose.ingress_paths import pseudo_rows
    from ..policy.matrix import compute
    from ..render import netpolicy_matrix as render
    from .netpolicy_matrix_rows import grouped_report, pair_rows

    options = make_cluster_options(kwargs)
    snapshot, engine = load_engine(options)
    pods = scoped_pods(snapshot, options)
    require_policies(snapshot, {objects.namespace(p) for p in pods}, "cannot compute the matrix")
    grid = compute(engine, pods)
    extra = pseudo_rows(snapshot, engine, grid)  # "ingress-controller", when there are controller pods
    protocol = protocol.upper()
    header = {"kind": "PolicyMatrix", "protocol": protocol if port else None, "port": port, "pods": grid.refs()}
    if output == "json":
        render.write_json_pairs(header, pair_rows(grid, protocol, port, extra), notes(snapshot, pods=pods), sys.stdout)
        return 0
    if output == "yaml":
        rows = [{"from": source, "to": destination, **fields} for source, row in pair_rows(grid, protocol, port, extra)
                for destination, fields in zip(header["pods"], row)]
        write_structured({**header, "connections": rows, "notes": notes(snapshot, pods=pods)}, output, sys.stdout)
        return 0
    if output == "csv":
        render.write_csv_pairs(header["pods"], pair_rows(grid, protocol, port, extra), sys.stdout)
        return 0
    report = grouped_report(snapshot, grid, protocol, port, extra)
    report["notes"] = notes(snapshot, pods=pods)
    if output == "dot":
        render.write_dot(report, sys.stdout)
    elif output in ("mermaid", "html"):
        from ..render.graph import write_graph

        write_graph(output, report, sys.stdout)
    else:
        render.write_text(report, sys.stdout, Style(use_color(no_color, sys.stdout)), wide=output == "wide")
    return 0
