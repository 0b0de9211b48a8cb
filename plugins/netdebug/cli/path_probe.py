"""Run the probes that prove a walked path: inside SRC over exec (contract C), or from this machine
for `external` (path_external); all in parallel, each bounded by --timeout. Then let
diagnose.path_probes conclude."""
import sys
from concurrent.futures import ThreadPoolExecutor

from ..diagnose import path_probes
from ..model import objects

PARALLEL = 16
SWEEP_FROM = 3  # TCP probes from SRC at which one batched exec beats one exec each


def probe_path(cluster, snapshot, report, query, timeout: float, http_path: str | None, ephemeral: str | None,
               stream=sys.stderr) -> None:
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


def _run_in_pods(cluster, snapshot, query, planned, timeout, ephemeral, stream) -> list[dict]:
    from ..probe.run import ProbeSpec
    from ..probe.source import choose_container, prepare_source

    source = prepare_source(cluster, query.source, query.source_container, ephemeral, timeout=max(timeout, 2),
                            notify=lambda notice: stream.write(notice + "\n"))
    specs = [_spec(ProbeSpec, snapshot, p, source, choose_container) for p in planned]
    results = _run_specs(cluster, specs, source, timeout)
    results = [_read_elsewhere(cluster, snapshot, r, timeout) if r.outcome == "no-tool" and r.spec.kind == "listening"
               else r for r in results]
    return [{**p, **_outcome(r), "from": f"{r.spec.namespace}/{r.spec.pod} ({r.spec.container})", "result": r}
            for p, r in zip(planned, results)]


def _run_specs(cluster, specs: list, source, timeout: float) -> list:
    """Results in the order of specs. TCP connects from SRC go in one exec (svcdebug's sweep) when
    there are several: a Service with many endpoints then costs one round trip, not one per endpoint."""
    from ..probe.run import run_probes
    from .svc_sweep import chunks, script_for, sweep_tool, tcp_sweep

    swept = [i for i, spec in enumerate(specs) if spec.kind == "tcp" and spec.source == source.key]
    tool = sweep_tool(source.toolset)
    if tool is None or len(swept) < SWEEP_FROM:
        return run_probes(cluster, specs, timeout, parallel=PARALLEL, toolsets={source.key: source.toolset})
    rest = [i for i in range(len(specs)) if i not in set(swept)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        batch = pool.submit(lambda: [r for group in chunks([specs[i] for i in swept], script_for("tcp", tool))
                                     for r in tcp_sweep(cluster, group, tool, timeout)])
        others = run_probes(cluster, [specs[i] for i in rest], timeout, parallel=PARALLEL,
                            toolsets={source.key: source.toolset})
        by_index = dict(zip(swept, batch.result())) | dict(zip(rest, others))
    return [by_index[i] for i in range(len(specs))]


def _read_elsewhere(cluster, snapshot, result, timeout: float):
    """The containers of a pod share one network namespace: any sibling with `cat` can read its sockets."""
    from dataclasses import replace

    from ..probe.run import run_probes

    pod = snapshot.get("Pod", result.spec.namespace, result.spec.pod)
    for container in [c["name"] for c in objects.pod_containers(pod) if c["name"] != result.spec.container]:
        retry = run_probes(cluster, [replace(result.spec, container=container)], timeout)[0]
        if retry.outcome != "no-tool":
            return retry
    return result


def _spec(ProbeSpec, snapshot, probe: dict, source, choose_container):
    """A listening-table read runs in the destination pod (or the sibling container); the rest in SRC."""
    if probe["kind"] != "listening":
        return ProbeSpec(probe["kind"], *source.key, probe.get("target", ""), probe.get("port"), probe.get("path"))
    if probe.get("local"):  # same pod, same network namespace: the source container reads the table
        return ProbeSpec("listening", *source.key)
    namespace, _, name = probe["pod"].partition("/")
    pod = snapshot.get("Pod", namespace, name)
    return ProbeSpec("listening", namespace, name, choose_container(pod, probe.get("container")))


def _outcome(result) -> dict:
    found = {"outcome": result.outcome, "detail": result.detail, "elapsedMs": result.elapsed_ms, "tool": result.tool}
    if result.best_effort:  # UDP silence: open (and quiet) or filtered; it proves nothing either way
        found.update(outcome="no-answer", detail="UDP is best effort: no reply means open or filtered")
    if result.spec.kind == "dns":
        found["addresses"] = list(result.addresses)
    if result.spec.kind == "resolv" and result.outcome == "ok":
        found.update(outcome="read", search=list(result.search), ndots=result.ndots)
    if result.spec.kind == "listening" and result.outcome == "ok":
        found.update(outcome="listening", sockets=[dict(s) for s in result.sockets])
    return found


def _public(result: dict) -> dict:
    keep = ("role", "kind", "target", "port", "path", "of", "via", "from", "outcome", "detail", "elapsedMs", "tool",
            "addresses", "sockets", "search", "ndots")
    return {k: result[k] for k in keep if result.get(k) not in (None, "")}
