"""THE probe runner of every plugin: ProbeSpecs in, typed ProbeResults out, in the order of the specs.

Per source container: its tools are detected once; with python there, its TCP connects, DNS lookups and
file reads (resolv.conf, socket tables) all run in ONE exec (probe/sweep.py); without it, its TCP
connects in one `sh` loop of nc when it has at least BATCH_MIN of them; the rest run one exec each, in
parallel. A socket-table read that finds no tool in its container is retried in
a sibling container (the containers of a pod share one network namespace).

`cluster` is a model.cluster.ExecRuntime: kube/client.Cluster over the API server, or a test's fake.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..model.cluster import ExecRuntime
from ..model.probes import ProbeResult, ProbeSpec
from .run import EXEC_GRACE, run_probes
from .scripts import SWEEP_LOOPS
from .sweep import PYTHON_KINDS, chunks, loop_tool, python_batch, python_of, tcp_sweep
from .tools import detect_tools

PARALLEL = 16
BATCH_MIN = 2  # probes from one container: from this many on, one exec runs them all


def run_batch(cluster: ExecRuntime, specs: list[ProbeSpec], timeout: float, toolsets: dict | None = None,
              siblings: dict | None = None) -> list[ProbeResult]:
    """toolsets: (namespace, pod, container) -> Toolset already detected; siblings: (namespace, pod) ->
    the pod's container names, for re-reading socket tables where a container has no tool."""
    for spec in specs:
        spec.validate()
    toolsets = _with_toolsets(cluster, specs, dict(toolsets or {}), timeout)
    groups = _batches(specs, toolsets)
    batched = {spec for _, _, batch in groups for spec in batch}
    single = [spec for spec in specs if spec not in batched]
    with ThreadPoolExecutor(max_workers=2) as pool:
        swept = pool.submit(_run_batches, cluster, groups, timeout)
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


def _batches(specs: list[ProbeSpec], toolsets: dict) -> list[tuple]:
    """(runner, tool, specs) per source container: with python all it can batch, in one exec; else its TCP
    connects in nc sweeps (split to keep each exec URL, which carries their argv, short enough)."""
    groups: dict = {}
    for spec in dict.fromkeys(specs):
        groups.setdefault(spec.source, []).append(spec)
    batches = []
    for source, group in groups.items():
        python, loop = python_of(toolsets[source]), loop_tool(toolsets[source])
        python_kinds = [s for s in group if s.kind in PYTHON_KINDS]
        if python and len(python_kinds) >= BATCH_MIN:
            batches.append((python_batch, python, python_kinds))
        elif loop and len([s for s in group if s.kind == "tcp"]) >= BATCH_MIN:
            tcp = [s for s in group if s.kind == "tcp"]
            batches += [(tcp_sweep, loop, chunk) for chunk in chunks(tcp, SWEEP_LOOPS[loop])]
    return batches


def _run_batches(cluster, batches: list[tuple], timeout: float) -> list[ProbeResult]:
    if not batches:
        return []
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(batches))) as pool:
        done = pool.map(lambda batch: batch[0](cluster, batch[2], batch[1], timeout), batches)
        return [result for results in done for result in results]


def _elsewhere(cluster, result: ProbeResult, containers: list | None, timeout: float) -> ProbeResult:
    """A socket table read where the container has no tool: any sibling container can read it."""
    if result.outcome != "no-tool" or result.spec.kind != "listening":
        return result
    for container in [c for c in containers or () if c != result.spec.container]:
        retry = run_probes(cluster, [replace(result.spec, container=container)], timeout)[0]
        if retry.outcome != "no-tool":
            return retry
    return result
