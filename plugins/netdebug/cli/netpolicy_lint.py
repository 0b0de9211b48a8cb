"""`kubectl netpolicy lint`: common NetworkPolicy mistakes, as findings with stable codes."""
import sys

import click

from ..errors import ExitCode
from ..render.structured import write_structured
from ..render.style import Style
from ..model.resolve import workload_of
from .netpolicy_explain import POLICY_KINDS, load_everything, snapshot_notes
from .options import cluster_options, make_cluster_options, output_options, use_color
from .usage import ALL_SCOPE, CONTEXT_SETTINGS, NS_SCOPE, epilog

EXAMPLES = [("kubectl netpolicy lint", "every namespace"),
            ("kubectl netpolicy lint -n shop --min-severity warning", "one namespace, warnings and errors"),
            ("kubectl netpolicy lint -f manifests/ -o json", "YAML files in CI, as JSON")]
EPILOG = epilog(EXAMPLES, {0: "no error-level finding", 1: "an error-level finding"})


def in_scope(finding, namespace: str | None) -> bool:
    """Findings about objects of one namespace (the whole snapshot is linted: peers look across namespaces)."""
    if namespace is None:
        return True
    ref = finding.subject.split(" ", 1)[-1]
    return ref.split("/", 1)[0] == namespace


@click.command(context_settings=CONTEXT_SETTINGS, name="lint", epilog=EPILOG)
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="info", show_default=True,
              help="Hide findings below this severity.")
@cluster_options(namespace_help=NS_SCOPE, all_help=ALL_SCOPE, selects=False)
@output_options()
def lint(min_severity, output, no_color, **kwargs):
    """NetworkPolicy mistakes, as findings with stable codes.

    Policies selecting nothing, AND/OR confusion, blocked DNS, ... Every namespace is linted unless -n NS.
    """
    from ..model.findings import SEVERITIES, has_errors
    from ..policy.engine import PolicyEngine
    from ..policy.lint import lint as run_lint
    from ..render.lint_text import lint_report, write_lint

    options = make_cluster_options(kwargs)
    snapshot = load_everything(options)
    namespace = None if options.all_namespaces else options.namespace
    findings = run_lint(snapshot, PolicyEngine(snapshot).problems, workload_of)
    findings = [f for f in findings if in_scope(f, namespace)]
    shown = [f for f in findings if SEVERITIES.index(f.severity) <= SEVERITIES.index(min_severity)]
    report = lint_report(shown, snapshot_notes(snapshot, POLICY_KINDS))
    if not write_structured(report, output, sys.stdout):
        write_lint(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return ExitCode.PROBLEM if has_errors(findings) else ExitCode.OK
