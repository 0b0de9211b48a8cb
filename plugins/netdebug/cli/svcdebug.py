"""kubectl svcdebug: Why a Service does not answer: the Debug Services checklist, automated."""
import sys
from dataclasses import dataclass

import click

from .. import __version__
from ..errors import InputError
from ..render.structured import write_structured
from ..render.style import Style
from .errors import run_main
from .options import PORT, SECONDS, cluster_options, completes, make_cluster_options, output_options, use_color
from .usage import CONTEXT_SETTINGS, NS_SERVICE, epilog, prog

EXAMPLES = [
    ("kubectl svcdebug -n shop backend", "every check, with probes from inside the cluster"),
    ("kubectl svcdebug shop/backend --port http --from deploy/frontend", "one port, as seen from a client workload"),
    ("kubectl svcdebug svc/backend --no-probe -o json", "static checks only, as JSON"),
    ("kubectl svcdebug -f manifests/ -n shop backend", "static checks from YAML files"),
    ("kubectl svcdebug -n shop", "every Service of the namespace, broken ones first"),
    ("kubectl svcdebug -A --no-probe -o wide", "every Service of the cluster, static checks, with the fix"),
]
EPILOG = epilog(EXAMPLES, {0: "the Service works (warnings allowed); without SVC: every Service does",
                           1: "an error-level finding (without SVC: for some Service)"})


@dataclass(frozen=True)
class Request:
    service: str
    port: str | None = None
    from_pod: str | None = None
    probe: bool = True
    ephemeral_image: str | None = None
    timeout: float = 2.0


@click.command(name="svcdebug", epilog=EPILOG, context_settings=CONTEXT_SETTINGS, help="Why a Service does not answer: the Debug Services checklist, automated.\n\n"
               "SVC is NAME, NAMESPACE/NAME or svc/NAME. Static checks (selector, endpoints, ports, type, "
               "Ingress, NetworkPolicy) work offline with -f; live runs also probe DNS, the ClusterIP and "
               "each endpoint from inside the cluster.\n\n"
               "Without SVC: every Service of the namespace (-n, else the context's), of the cluster (-A) or "
               "matching -l, as a table, broken ones first; -o json|yaml gives the list of reports.")
@click.argument("svc", required=False, shell_complete=completes("services"))
@click.option("--port", default=None, type=PORT, shell_complete=completes("ports"),
              help="Check only this Service port (number or name).")
@click.option("--from", "from_pod", default=None, metavar="POD", shell_complete=completes("pods"),
              help="Client pod or workload (NAME, NS/NAME, "
              "KIND/NAME, NS/KIND/NAME; default namespace: the Service's) to check policy for and to probe from.")
@click.option("--no-probe", is_flag=True, help="Static checks only: send no traffic.")
@click.option("--ephemeral", "ephemeral_image", default=None, metavar="IMAGE",
              help="When a probing pod has no usable tool, add an ephemeral container with IMAGE to it (it "
                   "cannot be removed afterwards).")
@click.option("--timeout", default=2.0, type=SECONDS, show_default=True, help="Seconds for each probe.")
@output_options(("text", "wide", "json", "yaml"))
@cluster_options(namespace_help=NS_SERVICE, all_help="Every Service of every namespace (without SVC).",
                 selector_help="Without SVC: only the Services with these labels (e.g. app=web,tier!=db).")
@click.version_option(__version__, prog_name=prog("svcdebug"))
def command(svc, port, from_pod, no_probe, ephemeral_image, timeout, output, no_color, **kwargs):
    options = make_cluster_options(kwargs)
    if svc is None:
        return _triage(options, port, from_pod, Request("", None, None, not no_probe, ephemeral_image, timeout), output)
    if options.selector or options.all_namespaces:
        raise InputError("-l/--selector and -A/--all-namespaces select many Services: leave out SVC, or drop them")
    request = Request(svc, port, from_pod, not no_probe, ephemeral_image, timeout)
    if options.offline:
        from .svc_offline import offline_report as report_for
    else:
        from .svc_live import live_report as report_for  # imports the kubernetes client: live runs only
    report = report_for(options, request)
    if not write_structured(report, output, sys.stdout):
        from ..render.svcdebug_text import write_text

        write_text(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return 1 if report["verdict"] == "error" else 0


def _triage(options, port, from_pod, request: Request, output: str) -> int:
    if port or from_pod:
        raise InputError("--port and --from apply to one Service: name it (SVC)")
    from .svc_probes import Progress
    from .svc_triage import triage_reports

    reports = triage_reports(options, request, Progress())
    if not write_structured(reports, output, sys.stdout):
        from ..render.svcdebug_table import write_table

        write_table(reports, sys.stdout, wide=output == "wide")
    return 1 if any(r["verdict"] == "error" for r in reports) else 0


def main(argv: list[str] | None = None) -> None:
    run_main(command, prog("svcdebug"), argv)
