"""Several DSTs from one SRC: one snapshot, one probe batch, one report per path and a tally."""
import sys

from ..errors import ExitCode
from ..model.gaps import notes as gap_notes
from ..render.structured import write_structured
from ..render.style import Style
from .options import use_color


def several(cluster, snapshot, queries: list, probing, output: str, no_color: bool) -> ExitCode:
    from ..diagnose.path import walk

    reports = [walk(snapshot, query) for query in queries]
    if probing.may_probe(cluster, reports[0]):
        from .path_probe import probe_paths

        probe_paths(cluster, snapshot, list(zip(reports, queries)), probing.timeout, probing.http_paths,
                    probing.ephemeral)
    documents = [{**report.to_dict(), "gaps": gap_notes(snapshot.gaps)} for report in reports]
    if not write_structured(documents, output, sys.stdout):
        from ..render.netpath_text import render

        for index, document in enumerate(documents):
            sys.stdout.write("\n" if index else "")
            render(document, sys.stdout, Style(use_color(no_color, sys.stdout)))
        reachable = sum(1 for report in reports if report.verdict == "reachable")
        sys.stdout.write(f"\n{len(reports)} paths: {reachable} reachable, {len(reports) - reachable} not\n")
    return ExitCode.OK if all(report.verdict == "reachable" for report in reports) else ExitCode.PROBLEM
