"""Many probes from one container in ONE exec: TCP connects (a python sweep, or an `sh` loop of nc)
and DNS lookups (python threads).

A Service with 100 endpoints would otherwise cost 100 exec round trips through the API server and
the kubelet. Targets are validated (IPs, names and port numbers) and passed as positional arguments
to a fixed script; nothing user-supplied becomes script text. Each target's answer is classified by
the same rules as the single probe of that kind.
"""
import time
from urllib.parse import quote

from ..model.exec_result import ExecResult
from ..model.probes import ProbeResult, ProbeSpec
from .outcome import classify
from ..model.probes import checked_host, checked_port
from .plan import Plan
from .run import EXEC_GRACE
from .scripts import PY_RESOLVE, PY_SWEEP, SWEEP_LOOPS

PYTHONS = ("python3", "python")
# exec sends argv in the URL's query string: keep each exec's URL well under the 8 KiB request line
# that many proxies (and the simulated API server) accept. Each target costs two `&command=` items.
URL_BUDGET = 6000
SPAWN_ALLOWANCE = 0.01  # seconds per target for forking its nc, on top of the probe timeout


def sweep_tool(toolset) -> str | None:
    """python (one process for all targets), else nc or busybox nc under sh; None: probe one by one."""
    if toolset.error:
        return None
    python = next((tool for tool in PYTHONS if toolset.has(tool)), None)
    if python or not toolset.shell:
        return python
    return next((tool for tool in ("nc", "busybox") if toolset.has(tool)), None)


def tcp_sweep(cluster, specs: list[ProbeSpec], tool: str, timeout: float) -> list[ProbeResult]:
    """TCP probes that all start from the same container, run in one exec."""
    namespace, pod, container = specs[0].source
    seconds = str(max(1, round(timeout)))
    argv = [tool, "-c", PY_SWEEP, f"{timeout:g}"] if tool in PYTHONS else ["sh", "-c", SWEEP_LOOPS[tool], "sh", seconds]
    for spec in specs:
        argv += [checked_host(spec.target), str(checked_port(spec.port))]
    started = time.perf_counter()
    result = cluster.exec(namespace, pod, container, argv,
                          timeout=timeout + EXEC_GRACE + SPAWN_ALLOWANCE * len(specs))
    elapsed = (time.perf_counter() - started) * 1000
    lines = _lines(result.stdout)
    return [_result(spec, lines.get((spec.target, str(spec.port))), result, tool, seconds, elapsed) for spec in specs]


def _lines(stdout: str) -> dict:
    """(host, port) -> (exit code or outcome word, first line of detail)."""
    found = {}
    for line in stdout.splitlines():
        parts = line.split(" ", 3)
        if len(parts) >= 3:
            first = int(parts[0]) if parts[0].isdigit() else parts[0]
            found[(parts[1], parts[2])] = (first, parts[3] if len(parts) > 3 else "")
    return found


def _result(spec: ProbeSpec, line, whole: ExecResult, tool: str, seconds: str, elapsed: float) -> ProbeResult:
    argv = _single_argv(tool, seconds, spec)
    if line is not None and tool in PYTHONS:
        return ProbeResult(spec, line[0], line[1], elapsed, tool, argv)
    if line is None:  # the exec failed or was cut off before this target reported
        single = ExecResult("", "", None, whole.error or "no result line from the sweep", whole.timed_out)
    else:
        single = ExecResult("", line[1], line[0])
    outcome = classify(Plan("tcp", "nc", argv), single)
    return ProbeResult(spec, outcome.outcome, outcome.detail, elapsed, tool, argv)


def _single_argv(tool: str, seconds: str, spec: ProbeSpec) -> tuple:
    """The one-target command the sweep performed for this spec (shown as evidence)."""
    if tool in PYTHONS:
        return (tool, "-c", "<connect sweep>", seconds, spec.target, str(spec.port))
    return (*(("busybox",) if tool == "busybox" else ()), "nc", "-v", "-z", "-w", seconds, spec.target, str(spec.port))


def python_of(toolset) -> str | None:
    return None if toolset.error else next((tool for tool in PYTHONS if toolset.has(tool)), None)


def dns_batch(cluster, specs: list[ProbeSpec], tool: str, timeout: float) -> list[ProbeResult]:
    """DNS probes that all start from the same container, looked up by one python process."""
    namespace, pod, container = specs[0].source
    argv = [tool, "-c", PY_RESOLVE, f"{timeout:g}", *(checked_host(spec.target) for spec in specs)]
    started = time.perf_counter()
    result = cluster.exec(namespace, pod, container, argv, timeout=timeout + EXEC_GRACE)
    elapsed = (time.perf_counter() - started) * 1000
    answers = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    found = []
    for index, spec in enumerate(specs):
        word, _, detail = answers.get(str(index), "").partition(" ")
        if not word:
            word, detail = "exec-failed", result.error or "no answer from the lookup batch"
        addresses = tuple(detail.split()) if word == "resolved" else ()
        found.append(ProbeResult(spec, word, detail, elapsed, tool, (tool, "-c", "<lookup batch>", spec.target),
                                 addresses=addresses))
    return found


def chunks(specs: list[ProbeSpec], script: str) -> list[list[ProbeSpec]]:
    """Split the specs of one container so that each exec's query string stays within URL_BUDGET."""
    budget = URL_BUDGET - len(quote(script, safe=""))
    found, current, used = [], [], 0
    for spec in specs:
        cost = len("&command=") * 2 + len(quote(spec.target, safe="")) + len(str(spec.port or ""))
        if current and used + cost > budget:
            found.append(current)
            current, used = [], 0
        current.append(spec)
        used += cost
    return found + ([current] if current else [])


def script_for(kind: str, tool: str) -> str:
    """The fixed script a batch of this kind runs with this tool (its size counts against the URL)."""
    if kind == "dns":
        return PY_RESOLVE
    return PY_SWEEP if tool in PYTHONS else SWEEP_LOOPS[tool]
