"""`netpolicy exposure` as a ranked table: one row per workload and exposure."""
from .netpolicy_matrix import columns
from .style import Style


def write_exposure(report: dict, stream, style: Style = Style()) -> None:
    rows = report["exposed"]
    if not rows:
        stream.write("No pod in scope accepts traffic from outside the cluster or from every namespace.\n")
    else:
        stream.write("Pods accepting traffic from outside the cluster or from every namespace, most exposed first\n\n")
        table = [["RANK", "SCORE", "WORKLOAD", "PODS", "FROM OUTSIDE", "FROM ALL NAMESPACES"]]
        table += [[str(i + 1), str(r["score"]), r["workload"], str(len(r["pods"])), r["external"], r["allNamespaces"]]
                  for i, r in enumerate(rows)]
        stream.write(columns(table) + "\n\nWhy:\n")
        for index, row in enumerate(rows):
            for source in row["sources"]:
                rule = f" ({source['policy']} ingress rule {source['rule']})" if "policy" in source else ""
                stream.write(f"  {index + 1}. {style.paint(source['from'], 'bold')}{rule}: {source['connections']}\n")
    for note in report.get("notes", []):
        stream.write(f"note: {note}\n")
