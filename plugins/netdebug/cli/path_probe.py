"""Run the probes that prove a walked path: inside SRC through the one batch runner (probe/batch.py), or
from this machine for `external` (path_external); each bounded by --timeout. Then let
diagnose.path_probes conclude."""
import sys

from ..diagnose import path_probes
from ..model import objects


def probe_path(cluster, snapshot, report, query, timeout: float, http_path: str | None, ephemeral: str | None,
               stream=None) -> None:
    stream = stream or sys.stderr  # looked up now: a default bound at import would outlive a replaced stderr
    if query.source is None:
        from .path_external import probe_external

        return probe_external(report, timeout, http_path, stream)
    planned = path_probes.plan(report, report.protocol, http_path, query.to_container)
    if not planned:
        return
    if stream.isatty():
        stream.write(f"probing {len(planned)} target(s) from {report.source} (timeout {timeout:g}s)...\n")
    results = _run_in_pods(cluster, snapshot, query, planned, timeout, ephemeral, stream)
    path_probes.conclude(report, results)
    report.probes = [_public(r) for r in results]


def probe_paths(cluster, snapshot, walked: list, timeout: float, http_paths: list, ephemeral: str | None,
                stream=None) -> None:
    """Several paths from one SRC: every path's probes go in ONE batch (one exec per container), then
    each path concludes from its own results. `walked`: (report, query) pairs."""
    stream = stream or sys.stderr
    if walked[0][1].source is None:  # from this machine: nothing to batch
        for (report, query), http_path in zip(walked, http_paths):
            probe_path(cluster, snapshot, report, query, timeout, http_path, ephemeral, stream)
        return
    plans = [path_probes.plan(report, report.protocol, http_path, query.to_container)
             for (report, query), http_path in zip(walked, http_paths)]
    flat = [probe for plan in plans for probe in plan]
    if not flat:
        return
    if stream.isatty():
        stream.write(f"probing {len(flat)} target(s) of {len(walked)} paths from {walked[0][0].source} "
                     f"(timeout {timeout:g}s)...\n")
    results = iter(_run_in_pods(cluster, snapshot, walked[0][1], flat, timeout, ephemeral, stream))
    for (report, _), plan in zip(walked, plans):
        mine = [next(results) for _ in plan]
        if mine:
            path_probes.conclude(report, mine)
            report.probes = [_public(r) for r in mine]


def _run_in_pods(cluster, snapshot, query, planned, timeout, ephemeral, stream) -> list[dict]:
    """The planned probes as typed specs through the one batch runner; each planned dict gets its result."""
    from ..probe.batch import run_batch
    from ..probe.source import choose_container, prepare_source

    source = prepare_source(cluster, query.source, query.source_container, ephemeral, timeout=max(timeout, 2),
                            notify=lambda notice: stream.write(notice + "\n"))
    specs = [_spec(snapshot, p, source, choose_container) for p in planned]
    siblings = {(objects.namespace(p), objects.name(p)): [c["name"] for c in objects.pod_containers(p)]
                for p in snapshot.of("Pod")}
    results = run_batch(cluster, specs, timeout, {source.key: source.toolset}, siblings)
    return [{**p, **r.to_dict(), "result": r} for p, r in zip(planned, results)]


def _spec(snapshot, probe: dict, source, choose_container):
    """A listening-table read runs in the destination pod (or the sibling container); the rest in SRC."""
    from ..model.probes import ProbeSpec

    if probe["kind"] != "listening":
        return ProbeSpec(probe["kind"], *source.key, probe.get("target", ""), probe.get("port"), probe.get("path"),
                         role=probe["role"])
    if probe.get("local"):  # same pod, same network namespace: the source container reads the table
        return ProbeSpec("listening", *source.key, role=probe["role"])
    namespace, _, name = probe["pod"].partition("/")
    pod = snapshot.get("Pod", namespace, name)
    return ProbeSpec("listening", namespace, name, choose_container(pod, probe.get("container")), role=probe["role"])


def _public(result: dict) -> dict:
    """The shared probe JSON (model/probes.py ProbeResult.to_dict) plus netpath's `of` and `via`."""
    keep = ("role", "kind", "from", "container", "target", "port", "path", "of", "via", "outcome", "detail",
            "elapsedMs", "tool", "command", "addresses", "sockets", "search", "ndots", "nameservers", "bestEffort")
    return {k: result[k] for k in keep if result.get(k) not in (None, "")}
