"""Run probes in parallel over exec: detect each source container's tools once, then probe.

Each probe command carries the timeout itself (nc -w, curl -m, socket timeouts, coreutils timeout),
and the exec is cut off EXEC_GRACE seconds later in case the tool ignores it. Results are data.
"""
from concurrent.futures import ThreadPoolExecutor

from . import plan as plans
from ..model.probes import ProbeResult, ProbeSpec
from .outcome import classify
from .tools import Toolset, detect_tools

EXEC_GRACE = 2.0  # seconds for the exec round trip on top of the probe's own timeout

__all__ = ["ProbeResult", "ProbeSpec", "run_probes", "run_probe", "build_plan"]


def build_plan(spec: ProbeSpec, toolset: Toolset, timeout: float):
    """The Plan for one spec with the best tool of this toolset, or None when no tool can do it."""
    if spec.kind == "tcp":
        return plans.tcp_probe(toolset, spec.target, spec.port, timeout)
    if spec.kind == "udp":
        return plans.udp_probe(toolset, spec.target, spec.port, timeout)
    if spec.kind == "dns":
        return plans.dns_probe(toolset, spec.target, timeout)
    if spec.kind == "http":
        return plans.http_probe(toolset, spec.target, spec.port, spec.path, timeout)
    if spec.kind == "listening":
        return plans.listening_probe(toolset)
    return plans.resolv_probe(toolset)


def run_probes(cluster, specs: list[ProbeSpec], timeout: float, parallel: int = 16,
               toolsets: dict | None = None) -> list[ProbeResult]:
    """Results in the order of `specs`. Invalid targets raise InputError before anything runs.

    `toolsets` maps (namespace, pod, container) to a Toolset already detected (e.g. by source.py).
    """
    for spec in specs:
        spec.validate()
    toolsets = dict(toolsets or {})
    missing = list(dict.fromkeys(spec.source for spec in specs if spec.source not in toolsets))
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(specs)))) as pool:
        found = pool.map(lambda source: detect_tools(cluster, *source, timeout=timeout + EXEC_GRACE), missing)
        toolsets.update(zip(missing, found))
        return list(pool.map(lambda spec: run_probe(cluster, spec, toolsets[spec.source], timeout), specs))


def run_probe(cluster, spec: ProbeSpec, toolset: Toolset, timeout: float) -> ProbeResult:
    if toolset.error:
        return ProbeResult(spec, "exec-failed", toolset.error, 0.0, None)
    plan = build_plan(spec, toolset, timeout)
    if plan is None:
        return ProbeResult(spec, "no-tool", no_tool_detail(spec.kind, toolset), 0.0, None)
    result = cluster.exec(spec.namespace, spec.pod, spec.container, plan.command, timeout=timeout + EXEC_GRACE)
    outcome = classify(plan, result)
    data = outcome.data
    return ProbeResult(spec, outcome.outcome, outcome.detail, result.elapsed_ms, plan.tool, plan.argv,
                       addresses=tuple(data.get("addresses", ())), sockets=tuple(data.get("sockets", ())),
                       search=tuple(data.get("search", ())), ndots=data.get("ndots"),
                       nameservers=tuple(data.get("nameservers", ())))


def no_tool_detail(kind: str, toolset: Toolset) -> str:
    have = ", ".join(sorted(toolset.tools)) or "none of them"
    return f"no tool for a {kind} probe in this container (looked for {', '.join(plans.LADDERS[kind])}; found {have})"
