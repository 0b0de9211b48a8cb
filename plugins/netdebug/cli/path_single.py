"""One SRC to one DST: the walk, the probes from SRC with --count and --capture around them, the node
fabric comparison, then the report."""
import sys

from ..errors import ExitCode
from ..model.gaps import notes as gap_notes
from ..render.structured import write_structured
from ..render.style import Style
from .options import use_color


def single(cluster, snapshot, query, probing, output: str, no_color: bool) -> ExitCode:
    from ..diagnose.path import walk

    report = walk(snapshot, query)
    sections = _probe(cluster, snapshot, report, query, probing) if probing.may_probe(cluster, report) else {}
    data = {**report.to_dict(), **sections}
    data["gaps"] = gap_notes(snapshot.gaps)
    if not write_structured(data, output, sys.stdout):
        from ..render.netpath_text import render

        render(data, sys.stdout, Style(use_color(no_color, sys.stdout)))
        if sections:
            from ..render.capture_text import render_sections

            render_sections(sections, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return ExitCode.OK if report.verdict == "reachable" else ExitCode.PROBLEM


def _probe(cluster, snapshot, report, query, probing) -> dict:
    """The probes, measured (--count) and captured (--capture) as asked: the sections they add."""
    from .path_fabric import compare_fabric
    from .path_probe import probe_path

    sections, ephemeral = {}, probing.ephemeral

    def run(image=ephemeral):  # --capture passes None once its own ephemeral container at SRC can serve
        probe_path(cluster, snapshot, report, query, timeout=probing.timeout, http_path=probing.http_paths[0],
                   ephemeral=image)
    if probing.count:
        run = _with_quality(run, sections, cluster, report, query, probing.count, probing.timeout,
                            after=bool(ephemeral))
    if probing.capture:
        from .path_capture import capture_path

        sections["capture"] = capture_path(cluster, snapshot, report, query, run, probing.timeout,
                                           probing.capture_dir, ephemeral)
    else:
        run()
    fabric = compare_fabric(cluster, snapshot, report, query, sections, probing.timeout, probing.count)
    return {**sections, **({"fabric": fabric} if fabric else {})}


def _with_quality(run, sections: dict, cluster, report, query, count: int, timeout: float, after: bool = False):
    """run() and the --count repeats side by side (after it with --ephemeral: the repeats may need the
    container it adds); the repeats' findings join the report afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    from .path_quality import measure_path

    def both(*image):
        with ThreadPoolExecutor(max_workers=1) as pool:
            if after:
                run(*image)
            measuring = pool.submit(measure_path, cluster, report, query, count, timeout)
            if not after:
                run(*image)
            sections["quality"], found = measuring.result()
        report.observations.extend(found)
    return both

