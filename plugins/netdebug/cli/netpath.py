"""kubectl netpath SRC DST: every hop between two endpoints, the first broken one, and the proof."""
import sys
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..errors import ExitCode, InputError, NotFoundError
from ..model import objects
from ..model.resolve import NameNotFound, Scope, qualify, resolve
from ..model.gaps import notes as gap_notes
from ..render.structured import write_structured
from ..render.style import Style
from .errors import run_main
from .options import (PORT, SECONDS, cluster_options, completes, make_cluster_options, output_options, protocol_option,
                      use_color)
from .usage import CONTEXT_SETTINGS, epilog, prog

if TYPE_CHECKING:  # imported by the functions: --help and --version do not load the diagnosis
    from ..diagnose.path_report import PathQuery
    from ..diagnose.target import Target

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
    from ..diagnose.path import walk
    from ..diagnose.target import parse_destination, parse_source

    options = make_cluster_options(kwargs)
    source, destinations = parse_source(src), [parse_destination(d) for d in dst]
    if len(destinations) > 1 and (capture or count):
        raise InputError("--capture and --count follow one path: name one DST")
    destination = destinations[0]
    if capture_dir and not capture:
        raise InputError("--capture-dir applies to --capture only")
    measured = [flag for flag, given in (("--capture", capture), ("--count", count)) if given]
    if measured and (no_probe or options.offline):
        raise InputError(f"{' and '.join(measured)} send packets: they need a live cluster and probes "
                         f"(drop {'--no-probe' if no_probe else '-f'})")
    if capture:
        from .path_capture import checked_directory

        capture_dir = checked_directory(capture_dir)
    http_paths = [http_path or (d.path if d.scheme == "http" else None) for d in destinations]
    http_path = http_paths[0]
    if options.offline:
        from .snapshot import load_snapshot

        snapshot, cluster = load_snapshot(options, ()), None
        namespace = snapshot.namespace
        source = parse_source(qualify(snapshot, src, "SRC")) if options.all_namespaces else source
    else:
        from ..kube.client import connect
        from .path_fetch import fetch

        cluster = connect(options)
        namespace = cluster.namespace
        source = parse_source(qualify_live(cluster, src)) if options.all_namespaces else source
        snapshot = fetch(cluster, source, destination, namespace, explicit=bool(options.namespace))
        for other in destinations[1:]:
            snapshot.merge(fetch(cluster, source, other, namespace, explicit=bool(options.namespace)))
    queries = [resolved_query(cluster, snapshot, source, d, namespace, bool(options.namespace), port=port,
                              protocol=protocol.upper(), source_container=container, to_container=to_container)
               for d in destinations]
    if len(queries) > 1:
        return _several(cluster, snapshot, queries, no_probe, timeout, http_paths, ephemeral, output, no_color)
    query = queries[0]
    report, sections = walk(snapshot, query), {}
    if cluster is not None and not no_probe and report.hop("source").status != "fail":  # no exec into a dead pod
        from .path_probe import probe_path

        def run(image=ephemeral):  # --capture passes None once its own ephemeral container at SRC can serve
            probe_path(cluster, snapshot, report, query, timeout=timeout, http_path=http_path, ephemeral=image)
        if count:
            run = _with_quality(run, sections, cluster, report, query, count, timeout, after=bool(ephemeral))
        if capture:
            sections["capture"] = _with_capture(cluster, snapshot, report, query, run, timeout, capture_dir, ephemeral)
        else:
            run()
        sections.update(_fabric(cluster, snapshot, report, query, sections, timeout, count))
    data = {**report.to_dict(), **sections}
    data["gaps"] = gap_notes(snapshot.gaps)
    if not write_structured(data, output, sys.stdout):
        from ..render.netpath_text import render

        render(data, sys.stdout, Style(use_color(no_color, sys.stdout)))
        if sections:
            from ..render.capture_text import render_sections

            render_sections(sections, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return ExitCode.OK if report.verdict == "reachable" else ExitCode.PROBLEM


def _several(cluster, snapshot, queries: list, no_probe: bool, timeout: float, http_paths: list,
             ephemeral: str | None, output: str, no_color: bool) -> ExitCode:
    """Several destinations from one SRC: one snapshot, one probe batch, one report per path."""
    from ..diagnose.path import walk

    reports = [walk(snapshot, query) for query in queries]
    if cluster is not None and not no_probe and reports[0].hop("source").status != "fail":
        from .path_probe import probe_paths

        probe_paths(cluster, snapshot, list(zip(reports, queries)), timeout, http_paths, ephemeral)
    documents = [{**report.to_dict(), "gaps": gap_notes(snapshot.gaps)} for report in reports]
    if not write_structured(documents, output, sys.stdout):
        from ..render.netpath_text import render

        for index, document in enumerate(documents):
            sys.stdout.write("\n" if index else "")
            render(document, sys.stdout, Style(use_color(no_color, sys.stdout)))
        reachable = sum(1 for report in reports if report.verdict == "reachable")
        sys.stdout.write(f"\n{len(reports)} paths: {reachable} reachable, {len(reports) - reachable} not\n")
    return ExitCode.OK if all(report.verdict == "reachable" for report in reports) else ExitCode.PROBLEM


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


def _fabric(cluster, snapshot, report, query, sections, timeout, count) -> dict:
    from .path_fabric import compare_fabric

    found = compare_fabric(cluster, snapshot, report, query, sections, timeout, count)
    return {"fabric": found} if found else {}


def _with_capture(cluster, snapshot, report, query, run, timeout, directory, ephemeral) -> dict:
    from .path_capture import capture_path

    return capture_path(cluster, snapshot, report, query, run, timeout, directory, ephemeral)


def qualify_live(cluster, src: str) -> str:
    """-A: SRC's namespace from the objects of that name in every namespace."""
    from .refs_live import same_named

    return qualify(same_named(cluster, src), src, "SRC")


def resolved_query(cluster, snapshot, *args, **extra) -> "PathQuery":
    """build_query; live, a name that is not where it was looked for gets the cluster asked where it is."""
    try:
        return build_query(snapshot, *args, **extra)
    except NameNotFound as miss:
        if cluster is None:
            raise
        from .refs_live import add_same_named

        add_same_named(cluster, snapshot, miss.ref.name)
        return build_query(snapshot, *args, **extra)  # the same miss, now saying where the name exists


def build_query(snapshot, source: "Target", destination: "Target", namespace: str, explicit: bool,
                **extra) -> "PathQuery":
    """Resolve SRC (and DST when it names pods) against the snapshot.

    DST names without a namespace live in -n when given, else in SRC's namespace (like DNS names)."""
    from ..diagnose.path_report import PathQuery

    pod, chosen_from = None, None
    if source.form != "external":
        found = resolve(snapshot, source.name, Scope(namespace), "SRC")
        pod, chosen_from = found.pod, found.workload
        _check_container(pod, extra.get("source_container"), "-c")
    dst_namespace = namespace if explicit or pod is None else objects.namespace(pod)
    pods = _destination_pods(snapshot, destination, Scope(dst_namespace))
    if pods:
        _check_container(pods[0], extra.get("to_container"), "--to-container")
    return PathQuery(source=pod, target=destination, destination_pods=pods, source_from=chosen_from,
                     namespace=dst_namespace, **extra)


def _destination_pods(snapshot, destination: "Target", scope: Scope) -> list[dict]:
    if destination.form in ("workload", "ip"):
        return list(resolve(snapshot, destination.name, scope, "DST").pods)
    if destination.maybe_pod and snapshot.get("Service", scope.namespace, destination.name) is None:
        try:
            return list(resolve(snapshot, destination.name, scope, "DST").pods)
        except NotFoundError:
            return []  # not a pod: a DNS name
    return []


def _check_container(pod: dict, name: str | None, flag: str) -> None:
    names = [c.get("name") for c in objects.pod_containers(pod)]
    if name and name not in names:
        raise InputError(f"{flag} {name}: pod {objects.ref(pod)} has containers {', '.join(names)}")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["capture"]:  # `kubectl netpath capture POD`: a pod named capture is NS/capture
        from .path_sniff import main as capture_main

        return capture_main(args[1:])
    run_main(command, prog("netpath"), argv)
