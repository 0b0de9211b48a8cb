"""kubectl netpath SRC DST: every hop between two endpoints, the first broken one, and the proof."""
import sys

import click

from .. import __version__
from .errors import run_main
from .options import PORT, SECONDS, cluster_options, completes, make_cluster_options, output_options, protocol_option
from .usage import CONTEXT_SETTINGS, epilog, prog

NOTES = """SRC: POD, NS/POD, KIND/NAME or NS/KIND/NAME (deploy, sts, ds, rs: one ready pod
     of it), or `external`.
DST: the same, svc/NAME[:PORT], a DNS name[:PORT], an IP[:PORT] or a URL
     http://HOST[:PORT]/PATH.
Names without a namespace: SRC's in -n, else in the context's namespace;
DST's in -n, else in SRC's namespace."""
EXAMPLES = [
    ("kubectl netpath frontend-7d9c-x2x4q backend-0 --port 8080", "pod to pod"),
    ("kubectl netpath -n shop deploy/frontend svc/backend:http", "a workload to a Service port"),
    ("kubectl netpath toolbox https://shop.example.com/healthz", "a pod to a URL, with the HTTP status"),
    ("kubectl netpath external svc/web -n shop", "from outside: NodePort, LoadBalancer, Ingress"),
    ("kubectl netpath -f manifests/ shop/web-0 shop/db-0 --port 5432", "static walk from YAML files"),
    ("kubectl netpath -n shop deploy/frontend svc/backend svc/cache db-0:5432", "several destinations, one probe batch"),
]
EPILOG = epilog(EXAMPLES, {0: "reachable (every DST)", 1: "blocked or unknown (some DST)"}, NOTES)


@click.command(name="netpath", epilog=EPILOG, context_settings=CONTEXT_SETTINGS,
               help="Every hop between SRC and DST, the first broken one and why; proven with probes from SRC.\n\n"
                    "Several DSTs share one read of the cluster and one probe batch from SRC.")
@click.argument("src", shell_complete=completes("sources"))
@click.argument("dst", nargs=-1, required=True, shell_complete=completes("destinations"))
@click.option("--port", default=None, type=PORT, shell_complete=completes("ports"),
              help="Destination port (number or name); default: the only one "
              "declared.")
@protocol_option(("TCP", "UDP"))
@click.option("-c", "--container", default=None, shell_complete=completes("containers"),
              help="Source container (probes run in it).")
@click.option("--to-container", default=None, shell_complete=completes("containers"),
              help="Destination container (container-to-container: same pod).")
@click.option("--http", "http_path", default=None, help="Also send an HTTP GET for this path and show the status.")
@click.option("--no-probe", is_flag=True, help="Only the static walk: send no packets.")
@click.option("--ephemeral", default=None, metavar="IMAGE",
              help="Probe from an ephemeral container with this image added to SRC (opt-in: it cannot be removed).")
@click.option("--timeout", default=2.0, type=SECONDS, show_default=True, help="Seconds for each probe.")
@click.option("--capture", "capture", is_flag=True,
              help="Capture the probes' packets at SRC and at the destination pods (tcpdump in the pod) and say "
                   "where they died; writes one pcap file per end.")
@click.option("--count", default=None, type=click.IntRange(1, 1000), metavar="N",
              help="Repeat the connects (and DNS lookup) N times in one exec: loss, RTT min/median/p99, jitter.")
@click.option("--capture-dir", default=None, metavar="DIR", help="Where --capture writes its pcap files (default: the temp dir).")
@cluster_options(all_help="Look up SRC typed without a namespace in every namespace (it must be unique).",
                 selects=False)
@output_options(("text", "json", "yaml"))
@click.version_option(__version__, prog_name=prog("netpath"))
def command(src, dst, port, protocol, container, to_container, http_path, no_probe, ephemeral, timeout,
            capture, count, capture_dir, output, no_color, **kwargs):
    from ..diagnose.target import parse_destination, parse_source
    from .path_options import probe_options
    from .path_query import read_snapshot, resolved_query

    options = make_cluster_options(kwargs)
    source, destinations = parse_source(src), [parse_destination(d) for d in dst]
    probing = probe_options(destinations, options.offline, no_probe, timeout, ephemeral, http_path, count, capture,
                            capture_dir)
    cluster, snapshot, namespace, source = read_snapshot(options, src, source, destinations)
    queries = [resolved_query(cluster, snapshot, source, d, namespace, bool(options.namespace), port=port,
                              protocol=protocol.upper(), source_container=container, to_container=to_container)
               for d in destinations]
    if len(queries) > 1:
        from .path_several import several

        return several(cluster, snapshot, queries, probing, output, no_color)
    from .path_single import single

    return single(cluster, snapshot, queries[0], probing, output, no_color)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["capture"]:  # `kubectl netpath capture POD`: a pod named capture is NS/capture
        from .path_sniff import main as capture_main

        return capture_main(args[1:])
    run_main(command, prog("netpath"), argv)
