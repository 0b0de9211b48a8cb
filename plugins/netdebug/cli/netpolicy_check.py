"""`kubectl netpolicy check SRC DST`: may SRC reach DST, and which rule decides."""
import sys

import click

from ..errors import ExitCode, InputError
from ..model import objects
from ..render.structured import write_structured
from ..render.style import Style
from .netpolicy_load import load_engine, notes, resolve_endpoint, target_dict
from .options import PORT, cluster_options, completes, make_cluster_options, output_options, protocol_option, use_color
from .usage import CONTEXT_SETTINGS, epilog

NOTES = """SRC, DST: POD, NS/POD, KIND/NAME, NS/KIND/NAME (deploy, sts, ds, rs: one of its
pods), an IP, or ingress-controller.  Without --port: the set of allowed connections."""
EXAMPLES = [
    ("kubectl netpolicy check -n shop frontend-7d9c-x2x4q backend-0 --port 8080", "one pod to another, one port"),
    ("kubectl netpolicy check shop/deploy/frontend shop/sts/db --port postgres", "workloads, a named port"),
    ("kubectl netpolicy check -n shop deploy/frontend 203.0.113.7 --port 443", "egress to an address"),
    ("kubectl netpolicy check -f manifests/ -n shop frontend-0 db-0", "from YAML: every allowed connection"),
]
EPILOG = epilog(EXAMPLES, {0: "allowed", 1: "denied"}, NOTES)


@click.command(context_settings=CONTEXT_SETTINGS, name="check", epilog=EPILOG)
@click.argument("src", shell_complete=completes("policy_endpoints"))
@click.argument("dst", shell_complete=completes("policy_endpoints"))
@click.option("--port", default=None, type=PORT, shell_complete=completes("ports"),
              help="Destination port: a number or a port name of DST's "
              "containers.")
@protocol_option()
@cluster_options(selects=False)
@output_options()
def check(src, dst, port, protocol, output, no_color, **kwargs):
    """May SRC reach DST, and which rules decide.

    The verdict, each side (egress of SRC, ingress of DST) and the deciding rules."""
    options = make_cluster_options(kwargs)
    snapshot, engine = load_engine(options, references=(src, dst))
    source, source_endpoint = resolve_endpoint(snapshot, src, options)
    destination, destination_endpoint = resolve_endpoint(snapshot, dst, options)
    if port is None:
        report = _connections_report(engine, source_endpoint, destination_endpoint)
    else:
        report = engine.check(source_endpoint, destination_endpoint, port, protocol).to_dict()
    report = {"kind": "PolicyCheck", **report, "from": target_dict(source), "to": target_dict(destination)}
    report["notes"] = notes(snapshot, [report["egress"], report["ingress"]]) + \
        _workload_notes(engine, source, destination, port, protocol)
    if not write_structured(report, output, sys.stdout):
        from ..render.netpolicy_text import write_check

        write_check(report, sys.stdout, Style(use_color(no_color, sys.stdout)), wide=output == "wide")
    return ExitCode.OK if report["allowed"] else ExitCode.PROBLEM


def _workload_notes(engine, source, destination, port, protocol: str, limit: int = 400) -> list[str]:
    """When SRC or DST named a workload, say whether its other pods would get another answer."""
    pairs = [(s, d) for s in source.pods or (None,) for d in destination.pods or (None,) if s is not d][:limit]
    if len(pairs) < 2 or None in pairs[0]:
        return []
    answers = [_answer(engine, s, d, port, protocol) for s, d in pairs]
    if len(set(answers)) < 2:
        return []
    first = answers[0]
    other = next(i for i, a in enumerate(answers) if a != first)
    s, d = pairs[other]
    return [f"the workloads' pods differ: {answers.count(first)} of {len(pairs)} pod pairs get this answer; "
            f"{objects.ref(s)} -> {objects.ref(d)} gets {_other_text(answers[other])}"]


def _answer(engine, source: dict, destination: dict, port, protocol: str):
    from ..policy.peers import Endpoint

    src, dst = Endpoint.for_pod(source), Endpoint.for_pod(destination)
    if port is None:
        return str(engine.allowed_connections(src, dst))
    try:
        return engine.check(src, dst, port, protocol).allowed
    except InputError:  # a named port this pod does not define
        return False


def _other_text(answer) -> str:
    if isinstance(answer, bool):
        return "allowed" if answer else "denied"
    return f"connections: {answer}"


def _connections_report(engine, source, destination) -> dict:
    """No port given: what is allowed at all, and the rules admitting anything on each side."""
    egress, ingress = (engine.side(d, source, destination) for d in ("egress", "ingress"))
    allowed = egress.connections & ingress.connections
    return {"protocol": None, "port": None, "portName": None, "allowed": not allowed.is_empty,
            "connections": str(allowed), "egress": egress.to_dict(), "ingress": ingress.to_dict()}
