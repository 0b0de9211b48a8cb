"""THE probe runner of every plugin: ProbeSpecs in, typed ProbeResults out, in the order of the specs.

Per source container: its tools are detected once; its TCP connects and its DNS lookups each run in ONE
exec when it has a tool for that and there are at least BATCH_MIN of them (probe/sweep.py); the rest
run one exec each, in parallel. A socket-table read that finds no tool in its container is retried in
a sibling container (the containers of a pod share one network namespace).

`cluster` is anything with `exec(namespace, pod, container, argv, timeout=)` returning an ExecResult
(kube/exec.py over the API server; tests pass a fake runtime).
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..model.probes import ProbeResult, ProbeSpec
from .run import EXEC_GRACE, run_probes
from .sweep import chunks, dns_batch, python_of, script_for, sweep_tool, tcp_sweep
from .tools import detect_tools

PARALLEL = 16
BATCH_MIN = 2  # connects / lookups from one container: from this many on, one exec runs them all
_BATCHED = {"tcp": (sweep_tool, tcp_sweep), "dns": (python_of, dns_batch)}


def run_batch(cluster, specs: list[ProbeSpec], timeout: float, toolsets: dict | None = None,
              siblings: dict | None = None) -> list[ProbeResult]:
    """toolsets: (namespace, pod, container) -> Toolset already detected; siblings: (namespace, pod) ->
    the pod's container names, for re-reading socket tables where a container has no tool."""
    for spec in specs:
        spec.validate()
    toolsets = _with_toolsets(cluster, specs, dict(toolsets or {}), timeout)
    groups = _batches(specs, toolsets)
    batched = {spec for batch in groups for spec in batch}
    single = [spec for spec in specs if spec not in batched]
    with ThreadPoolExecutor(max_workers=2) as pool:
        swept = pool.submit(_run_batches, cluster, groups, toolsets, timeout)
        found = dict(zip(single, run_probes(cluster, single, timeout, parallel=PARALLEL, toolsets=toolsets)))
        found.update((result.spec, result) for result in swept.result())
    results = [found[spec] for spec in specs]
    return [_elsewhere(cluster, r, (siblings or {}).get(r.spec.source[:2]), timeout) for r in results]


def _with_toolsets(cluster, specs: list[ProbeSpec], toolsets: dict, timeout: float) -> dict:
    missing = list(dict.fromkeys(spec.source for spec in specs if spec.source not in toolsets))
    if missing:
        with ThreadPoolExecutor(max_workers=min(PARALLEL, len(missing))) as pool:
            found = pool.map(lambda source: detect_tools(cluster, *source, timeout=timeout + EXEC_GRACE), missing)
            toolsets.update(zip(missing, found))
    return toolsets


def _batches(specs: list[ProbeSpec], toolsets: dict) -> list[list[ProbeSpec]]:
    """Per (source container, kind): the specs one exec runs, split to keep each exec URL short enough."""
    groups: dict = {}
    for spec in specs:
        if spec.kind in _BATCHED:
            groups.setdefault((spec.source, spec.kind), []).append(spec)
    batches = []
    for (source, kind), group in groups.items():
        tool = _BATCHED[kind][0](toolsets[source])
        if tool and len(group) >= BATCH_MIN:
            batches += chunks(list(dict.fromkeys(group)), script_for(kind, tool))
    return batches


def _run_batches(cluster, batches: list[list[ProbeSpec]], toolsets: dict, timeout: float) -> list[ProbeResult]:
    if not batches:
        return []

    def run(batch: list[ProbeSpec]) -> list[ProbeResult]:
        tool_of, runner = _BATCHED[batch[0].kind]
        return runner(cluster, batch, tool_of(toolsets[batch[0].source]), timeout)

    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(batches))) as pool:
        return [result for results in pool.map(run, batches) for result in results]


def _elsewhere(cluster, result: ProbeResult, containers: list | None, timeout: float) -> ProbeResult:
    """A socket table read where the container has no tool: any sibling container can read it."""
    if result.outcome != "no-tool" or result.spec.kind != "listening":
        return result
    for container in [c for c in containers or () if c != result.spec.container]:
        retry = run_probes(cluster, [replace(result.spec, container=container)], timeout)[0]
        if retry.outcome != "no-tool":
            return retry
    return result
