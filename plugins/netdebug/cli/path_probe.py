"""Run the probes that prove a walked path: inside SRC over exec (contract C), or from this machine
for `external`; all in parallel, each bounded by --timeout. Then let diagnose.path_probes conclude."""
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from ..diagnose import path_probes
from ..model import objects

PARALLEL = 16


def probe_path(cluster, snapshot, report, query, timeout: float, http_path: str | None, ephemeral: str | None,
               stream=sys.stderr) -> None:
    planned = path_probes.plan(report, report.protocol, http_path, query.to_container)
    if not planned:
        return
    if query.source is None:
        results = _run_local(planned, timeout)
    else:
        results = _run_in_pods(cluster, snapshot, query, planned, timeout, ephemeral, stream)
    path_probes.conclude(report, results)
    report.probes = [_public(r) for r in results]


def _run_in_pods(cluster, snapshot, query, planned, timeout, ephemeral, stream) -> list[dict]:
    from ..probe.run import ProbeSpec, run_probes
    from ..probe.tools import detect_tools

    ns, pod = objects.namespace(query.source), objects.name(query.source)
    container = query.source_container or objects.pod_containers(query.source)[0]["name"]
    if ephemeral and detect_tools(cluster, ns, pod, container, timeout=max(timeout, 2)).empty:
        stream.write(f"adding ephemeral container ({ephemeral}) to {ns}/{pod}: it cannot be removed afterwards\n")
        container = cluster.add_ephemeral_container(ns, pod, ephemeral, target_container=container)
    specs = [_spec(ProbeSpec, snapshot, p, ns, pod, container) for p in planned]
    results = run_probes(cluster, specs, timeout, parallel=PARALLEL)
    return [{**p, **_outcome(r), "from": f"{s.namespace}/{s.pod} ({s.container})"}
            for p, s, r in zip(planned, specs, results)]


def _spec(ProbeSpec, snapshot, probe: dict, ns: str, pod: str, container: str):
    """A listening-table read runs in the destination pod (or the sibling container); the rest in SRC."""
    if probe["kind"] == "listening":
        if probe.get("local"):
            return ProbeSpec("listening", ns, pod, probe.get("container") or container, "", None, None)
        dst_ns, _, dst_name = probe["pod"].partition("/")
        target = snapshot.get("Pod", dst_ns, dst_name)
        dst_container = probe.get("container") or objects.pod_containers(target)[0]["name"]
        return ProbeSpec("listening", dst_ns, dst_name, dst_container, "", None, None)
    return ProbeSpec(probe["kind"], ns, pod, container, probe["target"], probe.get("port"), probe.get("path"))


def _outcome(result) -> dict:
    found = {"outcome": result.outcome, "detail": result.detail, "elapsedMs": result.elapsed_ms, "tool": result.tool}
    for key in ("addresses", "sockets"):
        if getattr(result, key, None) is not None:
            found[key] = getattr(result, key)
    if result.outcome == "listening" or (result.spec.kind == "listening" and found.get("sockets") is not None):
        found["outcome"] = "listening"
    return found


def _run_local(planned: list[dict], timeout: float) -> list[dict]:
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(planned))) as pool:
        return list(pool.map(lambda p: {**p, **local_tcp(p["target"], p["port"], timeout), "from": "this machine"},
                             planned))


def local_tcp(host: str, port: int, timeout: float) -> dict:
    """A TCP connect from this machine (external clients): connected, refused or timeout."""
    start = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            outcome, detail = "connected", ""
    except ConnectionRefusedError:
        outcome, detail = "refused", "connection refused"
    except (socket.timeout, TimeoutError):
        outcome, detail = "timeout", f"no answer within {timeout:g}s"
    except OSError as err:
        outcome, detail = "error", str(err)
    return {"outcome": outcome, "detail": detail, "elapsedMs": (time.monotonic() - start) * 1000, "tool": "socket"}


def _public(result: dict) -> dict:
    keep = ("role", "kind", "target", "port", "path", "of", "via", "from", "outcome", "detail", "elapsedMs", "tool",
            "addresses", "sockets")
    return {k: result[k] for k in keep if result.get(k) not in (None, "")}
