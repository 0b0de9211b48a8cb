"""kubectl netpath capture POD: stream a pod's packets as pcap to a file or stdout (for Wireshark),
until Ctrl-C or a limit, with tcpdump from the pod's own containers (nothing added unless asked)."""
import sys
import time

import click

from .. import __version__
from ..errors import ExitCode, InputError, NotFoundError
from .errors import run_main
from .options import cluster_options, completes, make_cluster_options
from .refs_live import pod_for
from .usage import CONTEXT_SETTINGS, epilog, prog

FULL_PACKETS = 65535  # for Wireshark: whole packets (netpath --capture keeps headers only)

NOTES = """tcpdump runs in the pod's containers (-c first): nothing is added to the pod. When none has it,
--ephemeral IMAGE (e.g. nicolaka/netshoot) adds an ephemeral container to capture from; it cannot be
removed and stays until the pod is deleted. The capture ends at Ctrl-C, --duration or --packets.
POD: POD, NS/POD or a workload (deploy/NAME: one ready pod of it)."""
EXAMPLES = [("kubectl netpath capture -n shop web-0 -w web.pcap --filter 'tcp port 8080'", "to a file, one port"),
            ("kubectl netpath capture shop/web-0 -w - | wireshark -k -i -", "live into Wireshark")]
EPILOG = epilog(EXAMPLES, {0: "captured", 3: "cannot answer: the cluster is unreachable, or no capture is possible"},
                NOTES)


@click.command(name="capture", epilog=EPILOG, context_settings=CONTEXT_SETTINGS,
               help="Stream a pod's packets as pcap (tcpdump in the pod) to a file or stdout.")
@click.argument("pod", shell_complete=completes("pods"))
@click.option("-c", "--container", default=None, shell_complete=completes("containers"),
              help="Container to run tcpdump in (any sees the pod's network).")
@click.option("--filter", "bpf", default="", metavar="BPF", help="tcpdump filter expression, e.g. 'tcp port 8080'.")
@click.option("-w", "--write", "target", default=None, metavar="FILE|-", help="pcap file, or - for stdout.")
@click.option("--duration", default=60.0, type=click.FloatRange(0.5, 86400), show_default=True, help="Seconds at most.")
@click.option("--packets", default=10000, type=click.IntRange(1, 10_000_000), show_default=True, help="Packets at most.")
@click.option("--ephemeral", default=None, metavar="IMAGE", help="Capture from an ephemeral container with this image "
              "if no container has tcpdump (opt-in: it cannot be removed).")
@cluster_options(selects=False)
@click.version_option(__version__, prog_name=prog("netpath"))
def command(pod, container, bpf, target, duration, packets, ephemeral, **kwargs):
    from ..probe import capture

    options = make_cluster_options(kwargs)
    bpf = capture.checked_filter(bpf) if bpf else ""
    sink, close, where = _open(target)
    from ..kube.client import connect

    cluster = connect(options)
    namespace, name = pod_for(cluster, pod, cluster.namespace, "POD")  # a pod or a workload, as everywhere
    found = cluster.get("Pod", namespace, name)
    if found is None:
        raise NotFoundError(f"pod {namespace}/{name} not found")
    containers = _containers(found, container)
    spec = capture.CaptureSpec(namespace, name, containers, bpf, duration, packets, role="capture", snaplen=FULL_PACKETS)
    running = capture.Running(cluster, spec, 10.0, sink)
    if running.stream is None and ephemeral and "no tcpdump" in (running.capture.error or ""):
        running = _in_ephemeral(cluster, spec, ephemeral, sink)
    if running.stream is None:
        close()
        click.echo(f"error: {running.capture.error}", err=True)
        return ExitCode.CLUSTER
    click.echo(f"capturing in {namespace}/{name} (container {running.capture.container}) to {where}: "
               f"filter {bpf or '(all)'}, at most {duration:g} s or {packets} packets; Ctrl-C stops", err=True)
    return _stream(running, close)


def _open(target: str | None):
    if target in (None, "-"):
        if target is None and sys.stdout.isatty():
            raise InputError("refusing to write pcap to a terminal: use -w FILE, or -w - into a pipe (| wireshark -k -i -)")
        out = sys.stdout.buffer
        return (lambda chunk: (out.write(chunk), out.flush())), (lambda: None), "stdout"
    try:
        stream = open(target, "wb")
    except OSError as err:
        raise InputError(f"-w {target}: {err.strerror}") from None
    return stream.write, stream.close, target


def _containers(pod: dict, first: str | None) -> tuple:
    from ..model import objects

    names = [c.get("name") for c in objects.pod_containers(pod)]
    if first and first not in names:
        raise InputError(f"-c {first}: pod {objects.ref(pod)} has containers {', '.join(names)}")
    return tuple(dict.fromkeys(([first] if first else []) + names))


def _in_ephemeral(cluster, spec, image: str, sink):
    from dataclasses import replace

    from ..probe import capture
    from ..probe.source import ephemeral_notice

    click.echo(ephemeral_notice(spec.namespace, spec.pod, image) + " (for packet capture)", err=True)
    added = cluster.add_ephemeral_container(spec.namespace, spec.pod, image)
    return capture.Running(cluster, replace(spec, containers=(added,)), 60.0, sink)


def _stream(running, close) -> ExitCode:
    started = time.monotonic()
    try:
        while running.stream.wait(1.0):
            pass
    except KeyboardInterrupt:
        click.echo("stopping...", err=True)
    finally:
        result = running.stop()
        close()
    stopped = "stopped" if running.stream.returncode == 0 else f"ended ({result.error or 'exit ' + str(running.stream.returncode)})"
    click.echo(f"capture {stopped} after {time.monotonic() - started:.1f} s; nothing left running in the pod", err=True)
    return ExitCode.OK if not result.error else ExitCode.CLUSTER


def main(argv: list[str] | None = None) -> None:
    run_main(command, prog("netpath") + " capture", argv)
