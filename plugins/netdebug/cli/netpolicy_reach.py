"""`kubectl netpolicy who-can-reach POD` and `reachable-from POD`: one pod against all the others."""
import dataclasses
import sys

import click

from ..model import objects
from ..render.structured import write_structured
from ..render.style import Style
from .netpolicy_load import load_engine, notes, resolve_endpoint, scoped_pods
from .options import PORT, cluster_options, completes, make_cluster_options, output_options, protocol_option, use_color
from .usage import CONTEXT_SETTINGS, epilog

NOTES = """POD: POD, NS/POD, KIND/NAME or NS/KIND/NAME.  The other pods: every namespace
(-l filters them).  -o wide lists the denied pods too."""


def _epilog(name: str) -> str:
    examples = [(f"kubectl netpolicy {name} -n shop backend-0", "every pod and address, all ports"),
                (f"kubectl netpolicy {name} shop/deploy/backend --port http -o wide", "one port, denied pods too"),
                (f"kubectl netpolicy {name} -f manifests/ shop/db-0 -l app=api", "from YAML, pods labelled app=api")]
    return epilog(examples, {0: "the answer was computed"}, NOTES)


def _reach_command(name: str, direction: str, summary: str):
    @click.command(context_settings=CONTEXT_SETTINGS, name=name, epilog=_epilog(name), help=summary)
    @click.argument("pod", shell_complete=completes("pods"))
    @click.option("--port", default=None, type=PORT, shell_complete=completes("ports"),
                  help="Only this port (a number, or a port name of the "
                  "destination).")
    @protocol_option()
    @cluster_options(namespace_help="Namespace of POD when typed without one (default: the context's namespace; "
                     "with -f: default). The other pods: every namespace.")
    @output_options()
    def command(pod, port, protocol, output, no_color, **kwargs):
        options = make_cluster_options(kwargs)
        snapshot, engine = load_engine(options, references=(pod,))
        target, endpoint = resolve_endpoint(snapshot, pod, options)
        others = scoped_pods(snapshot, _all_namespaces(options))
        report = reach_report(engine, endpoint, others, direction, port, protocol.upper())
        report["notes"] = notes(snapshot, pods=[target.pod, *others])
        if engine.tiered:
            report["notes"].append("outside the cluster lists NetworkPolicy rules only; admin policies may decide "
                                   "first: `check IP POD` evaluates every tier for one address")
        if not write_structured(report, output, sys.stdout):
            from ..render.netpolicy_text import write_reach

            write_reach(report, sys.stdout, Style(use_color(no_color, sys.stdout)), wide=output == "wide")
        return 0

    return command


def _all_namespaces(options):
    """-n names the POD's namespace here; the other side is looked for everywhere."""
    return dataclasses.replace(options, namespace=None, all_namespaces=True)


def reach_report(engine, target, pods: list[dict], direction: str, port, protocol: str) -> dict:
    from ..policy.peers import Endpoint
    from ..policy.reach import external, peers_of

    rows = []
    for pod, connections in peers_of(engine, target, pods, direction):
        destination = target if direction == "ingress" else Endpoint.for_pod(pod)
        number = _port_number(engine, destination, port, protocol)
        allowed = connections.contains(protocol, number) if port is not None else not connections.is_empty
        rows.append({"pod": objects.ref(pod), "connections": str(connections), "allowed": allowed})
    admissions = external(engine, target, direction)
    policies = engine.policies_selecting(target, direction) if not target.host_network else []
    return {"kind": "WhoCanReach" if direction == "ingress" else "ReachableFrom", "pod": target.ref,
            "direction": direction, "protocol": protocol if port is not None else None,
            "port": port, "isolated": bool(policies), "policies": [p.ref for p in policies],
            "peers": rows, "external": "all" if admissions is None else [a.to_dict() for a in admissions]}


def _port_number(engine, destination, port, protocol: str):
    """A named port means the destination's port of that name; a pod without it cannot be reached there."""
    if isinstance(port, str):
        return destination.named_ports.get((port, protocol), -1)
    return port


who_can_reach = _reach_command("who-can-reach", "ingress", "Which pods and addresses may connect to POD.")
reachable_from = _reach_command("reachable-from", "egress", "Which pods and addresses POD may connect to.")
