"""netpath --capture: tcpdump at the source and at the destination pods while the probes run, then
a verdict per flow from the packets (cli/path_capture_verdict.py), and the pcap files named in the output."""
import sys
import tempfile
import time

from ..model import objects
from .path_capture_verdict import capture_section

MAX_DESTINATIONS = 4  # destination pods captured at (the first endpoints)
PACKET_LIMIT = 2000
GRACE = 0.15  # seconds for the last packets of a probe to reach the captures


def capture_path(cluster, snapshot, report, query, run_probes, timeout: float, directory: str | None = None,
                 ephemeral: str | None = None, stream=None) -> dict:
    """Start the captures, run_probes(), stop them; findings go to report.observations. Returns the
    JSON section: files, flows, limits and what was added to pods."""
    directory, ports, ends = checked_directory(directory), _ports(report), _ends(snapshot, report, query)
    if not (ports or report.targets.get("dns")) or query.source is None:
        run_probes()
        return {"skipped": "nothing to capture: no pod-to-pod TCP/UDP probe on this path"}
    from ..probe import capture

    bpf = capture.flow_filter(ports, dns=bool(report.targets.get("dns")))
    limit = round(timeout * 2 + 8, 1)
    specs = [capture.CaptureSpec(ns, name, containers, bpf, limit, PACKET_LIMIT, role) for role, ns, name, containers in ends]
    running = capture.start_all(cluster, specs)
    added = _ephemeral_retries(cluster, running, ephemeral, stream or sys.stderr)
    if _probe_from_added(cluster, query, added):
        run_probes(None)  # the probes run in the container just added: no second one
    else:
        run_probes()
    time.sleep(GRACE)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    captures = capture.stop_all(running, directory, stamp)
    return capture_section(report, query, captures, ports, bpf, {"seconds": limit, "packets": PACKET_LIMIT}, added)


def checked_directory(directory: str | None) -> str:
    """--capture-dir: created if missing; must be a writable directory (checked before any packet is sent)."""
    import os

    from ..errors import InputError

    directory = directory or tempfile.gettempdir()
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as err:
        raise InputError(f"--capture-dir {directory}: {err.strerror}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputError(f"--capture-dir {directory}: not writable")
    return directory


def _ports(report) -> set:
    targets = report.targets
    ports = {e["port"] for e in targets.get("endpoints") or [] if isinstance(e.get("port"), int)}
    service = targets.get("service") or {}
    if isinstance(service.get("port"), int) and service.get("ip"):
        ports.add(service["port"])
    return ports


def _ends(snapshot, report, query) -> list[tuple]:
    """(role, namespace, pod, containers to try) for the source and the first destination pods."""
    ends = [("source", objects.namespace(query.source), objects.name(query.source),
             _containers(query.source, query.source_container))]
    for endpoint in (report.targets.get("endpoints") or [])[:MAX_DESTINATIONS]:
        namespace, _, name = endpoint["pod"].partition("/")
        pod = snapshot.get("Pod", namespace, name)
        if pod is not None and endpoint["pod"] != report.source:
            ends.append(("destination", namespace, name, _containers(pod, query.to_container)))
    return ends


def _containers(pod: dict, first: str | None) -> tuple:
    names = [c.get("name") for c in objects.pod_containers(pod)]
    return tuple(dict.fromkeys(([first] if first in names else []) + names))


def _ephemeral_retries(cluster, running: list, image: str | None, stream) -> list[dict]:
    """Where no container has tcpdump and the user passed --ephemeral IMAGE: capture from one added there."""
    from ..errors import ClusterError
    from ..probe import capture
    from ..probe.source import ephemeral_notice

    added = []
    for index, entry in enumerate(running):
        if not image or entry.stream is not None or "no tcpdump" not in (entry.capture.error or ""):
            continue
        spec = entry.capture.spec
        stream.write(ephemeral_notice(spec.namespace, spec.pod, image) + " (for packet capture)\n")
        try:
            name = cluster.add_ephemeral_container(spec.namespace, spec.pod, image)
        except ClusterError as err:
            entry.capture.error = str(err)
            continue
        added.append({"pod": f"{spec.namespace}/{spec.pod}", "container": name, "image": image, "why": "packet capture"})
        running[index] = capture.Running(cluster, capture.CaptureSpec(**{**spec.__dict__, "containers": (name,)}), 60.0)
    return added


def _probe_from_added(cluster, query, added: list[dict]) -> bool:
    """When --capture added an ephemeral container at SRC, the probes use it (query updated to the fresh pod)."""
    mine = next((a for a in added if a["pod"] == objects.ref(query.source)), None)
    fresh = cluster.get("Pod", objects.namespace(query.source), objects.name(query.source)) if mine else None
    if fresh is None:
        return False
    query.source, query.source_container = fresh, mine["container"]
    return True
