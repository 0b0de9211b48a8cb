"""kubectl svcdebug: Why a Service does not answer: the Debug Services checklist, automated."""
import sys
from dataclasses import dataclass

import click

from .. import __version__
from ..diagnose.service import not_found, parse_service_ref
from ..diagnose.service_ports import select_ports
from ..diagnose.svcdebug import ServiceFacts, build_report, gap_notes, static_findings
from ..errors import InputError, NotFoundError
from ..render.structured import write_structured
from ..render.style import Style
from ..render.svcdebug_text import write_text
from .errors import run_main
from .options import ClusterOptions, cluster_options, make_cluster_options, output_options, use_color

OFFLINE_NOTE = "offline (-f): endpoints, readiness and status (addresses) come from a live cluster; not checked"


@dataclass(frozen=True)
class Request:
    service: str
    port: str | None = None
    from_pod: str | None = None
    probe: bool = True
    ephemeral_image: str | None = None
    timeout: float = 2.0


@click.command(name="svcdebug", help="Why a Service does not answer: the Debug Services checklist, automated.\n\n"
               "SVC is NAME, NAMESPACE/NAME or svc/NAME. Static checks (selector, endpoints, ports, type, "
               "Ingress, NetworkPolicy) work offline with -f; live runs also probe DNS, the ClusterIP and "
               "each endpoint from inside the cluster.")
@click.argument("svc")
@click.option("--port", default=None, help="Check only this Service port (number or name).")
@click.option("--from", "from_pod", default=None, metavar="POD", help="Client pod (NAME or NAMESPACE/NAME) to check "
              "policy for and to probe from.")
@click.option("--no-probe", is_flag=True, help="Static checks only: send no traffic.")
@click.option("--ephemeral", "ephemeral_image", default=None, metavar="IMAGE",
              help="When a probing pod has no usable tool, add an ephemeral container with IMAGE to it (it "
                   "cannot be removed afterwards).")
@click.option("--timeout", default=2.0, type=float, show_default=True, help="Seconds for each probe.")
@output_options(("text", "json", "yaml"))
@cluster_options
@click.version_option(__version__, prog_name="kubectl-svcdebug")
def command(svc, port, from_pod, no_probe, ephemeral_image, timeout, output, no_color, **kwargs):
    options = make_cluster_options(kwargs)
    if timeout <= 0:
        raise InputError(f"--timeout must be positive, got {timeout}")
    if options.selector or options.all_namespaces:
        raise InputError("svcdebug checks one Service: -l/--selector and -A/--all-namespaces do not apply")
    request = Request(svc, port, from_pod, not no_probe, ephemeral_image, timeout)
    report = offline_report(options, request) if options.offline else live_report(options, request)
    if not write_structured(report, output, sys.stdout):
        write_text(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return 1 if report["verdict"] == "error" else 0


def offline_report(options: ClusterOptions, request: Request) -> dict:
    from ..manifests.loader import load

    ns, name = parse_service_ref(request.service, options.namespace or "default")
    snapshot = load(list(options.filenames), default_namespace=options.namespace or "default")
    service = snapshot.get("Service", ns, name)
    if service is None:
        return build_report(f"{ns}/{name}", [not_found(snapshot, ns, name)])
    facts = ServiceFacts.gather(snapshot, service, select_ports(service, request.port))
    client = find_pod(snapshot, request.from_pod, ns) if request.from_pod else None
    notes = gap_notes(snapshot) + ([OFFLINE_NOTE] if facts.view.source is None else [])
    return build_report(facts.ref, static_findings(facts, client), facts, notes=notes)


def live_report(options: ClusterOptions, request: Request) -> dict:
    from .svc_live import live_report as run_live  # imports the kubernetes client: live runs only

    return run_live(options, request)


def find_pod(snapshot, ref: str, default_namespace: str) -> dict:
    ns, name = ref.split("/", 1) if "/" in ref else (default_namespace, ref)
    pod = snapshot.get("Pod", ns, name)
    if pod is None:
        raise NotFoundError(f"--from: pod {ns}/{name} not found")
    return pod


def main(argv: list[str] | None = None) -> None:
    run_main(command, "kubectl-svcdebug", argv)
