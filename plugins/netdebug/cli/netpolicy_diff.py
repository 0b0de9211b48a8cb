"""`kubectl netpolicy diff`: what a change of manifests does to connectivity (exit 1 when it changes)."""
import dataclasses
import sys

import click

from ..errors import ExitCode, InputError
from ..model import objects
from ..model.snapshot import Snapshot
from ..render.structured import write_structured
from ..render.style import Style
from ..model.resolve import workload_of
from .netpolicy_load import EVAL_KINDS, notes
from .options import OUTPUT_FORMATS, cluster_options, make_cluster_options, output_options, use_color
from .usage import CONTEXT_SETTINGS, epilog
from .snapshot import load_files, load_snapshot

OVERLAY_KINDS = ("NetworkPolicy", "Namespace")
EXAMPLES = [("kubectl netpolicy diff -f before/ --after after/", "two versions of the manifests"),
            ("kubectl netpolicy diff --against-cluster --after pr/", "the live cluster vs itself with pr/'s policies")]
EPILOG = epilog(EXAMPLES, {0: "no connectivity change", 1: "connections added or removed"})


def workload_name(snapshot: Snapshot, pod: dict) -> str:
    kind, name = workload_of(snapshot, pod)
    return f"{objects.namespace(pod)}/{name}" if kind == "Pod" else f"{objects.namespace(pod)}/{kind}/{name}"


def overlay(live: Snapshot, files: Snapshot) -> Snapshot:
    """The live objects with the files' NetworkPolicies and Namespaces applied (replaced or added)."""
    given = {(kind, objects.ref(o)) for kind in OVERLAY_KINDS for o in files.of(kind)}
    merged = Snapshot(origin="live+files", gaps=list(live.gaps), warnings=list(files.warnings))
    for kind, items in live.objects.items():
        for obj in items:
            if (kind, objects.ref(obj)) not in given:
                merged.add(obj)
    for kind in OVERLAY_KINDS:
        for obj in files.of(kind):
            merged.add(obj)
    return merged


def engine_for(snapshot: Snapshot, label: str):
    from ..policy.engine import PolicyEngine

    engine = PolicyEngine(snapshot)
    if engine.problems:
        raise InputError(f"{label}: invalid NetworkPolicy {engine.problems[0]}")
    return snapshot, engine


def sides(options, after_paths: tuple[str, ...], against_cluster: bool) -> tuple[Snapshot, Snapshot, str]:
    if not after_paths:
        raise InputError("diff needs --after PATH (the new manifests)")
    if against_cluster == options.offline:
        raise InputError("give either -f BEFORE or --against-cluster (the live cluster as BEFORE), not both or neither")
    after_files = load_files(after_paths, options.namespace or "default")
    if against_cluster:
        live = load_snapshot(dataclasses.replace(options, all_namespaces=True, selector=None), EVAL_KINDS)
        return live, overlay(live, after_files), "the cluster"
    return load_snapshot(options, EVAL_KINDS), after_files, " ".join(options.filenames)


@click.command(context_settings=CONTEXT_SETTINGS, name="diff", epilog=EPILOG)
@click.option("--after", "after_paths", multiple=True, type=click.Path(), help="The new manifests (repeatable).")
@click.option("--against-cluster", is_flag=True, help="Compare the live cluster with it plus the --after policies.")
@cluster_options(selects=False, all_help="Not used: every namespace is compared.",
                 namespace_help="Namespace of file objects that name none (default: default).")
@output_options((*OUTPUT_FORMATS, "markdown"))
def diff(after_paths, against_cluster, output, no_color, **kwargs):
    """Connections a manifest change adds or removes.

    Per workload pair, with the policies responsible."""
    from ..policy.diff import diff as compare
    from ..render import netpolicy_diff as render

    options = make_cluster_options(kwargs)
    before, after, before_label = sides(options, after_paths, against_cluster)
    report = compare(engine_for(before, "before"), engine_for(after, "after"), workload_name)
    report = {"before": before_label, "after": " ".join(after_paths), **report, "notes": notes(before) + notes(after)}
    if output == "markdown":
        render.write_markdown(report, sys.stdout)
    elif not write_structured(report, output, sys.stdout):
        render.write_text(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return ExitCode.PROBLEM if report["changed"] else ExitCode.OK
