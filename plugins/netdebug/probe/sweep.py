"""Many probes from one container in ONE exec: with python, every TCP connect, DNS lookup and file read
of that container in one process (scripts.PY_BATCH); without it, the TCP connects in an `sh` loop of nc.

A Service with 100 endpoints would otherwise cost 100 exec round trips through the API server and
the kubelet. Targets are validated (IPs, names and port numbers) and passed as positional arguments
to a fixed script; nothing user-supplied becomes script text. Each answer is classified by the same
rules as the single probe of that kind.
"""
import json
import time
from urllib.parse import quote

from ..model.exec_result import ExecResult
from ..model.probes import ProbeResult, ProbeSpec, checked_host, checked_port
from .outcome import classify
from .plan import PROC_NET_FILES, Plan
from .run import EXEC_GRACE
from .scripts import PY_BATCH, SWEEP_LOOPS

PYTHONS = ("python3", "python")
PYTHON_KINDS = ("tcp", "dns", "resolv", "listening")
FILES = {"resolv": ("/etc/resolv.conf",), "listening": PROC_NET_FILES}
# exec sends argv in the URL's query string: keep each exec's URL well under the 8 KiB request line
# that many proxies (and the simulated API server) accept.
URL_BUDGET = 6000
SPAWN_ALLOWANCE = 0.01  # seconds per target for forking its nc, on top of the probe timeout


def python_of(toolset) -> str | None:
    return None if toolset.error else next((tool for tool in PYTHONS if toolset.has(tool)), None)


def loop_tool(toolset) -> str | None:
    """Without python: nc or busybox nc under sh for a TCP sweep; None: probe one by one."""
    if toolset.error or not toolset.shell:
        return None
    return next((tool for tool in ("nc", "busybox") if toolset.has(tool)), None)


def python_batch(cluster, specs: list[ProbeSpec], tool: str, timeout: float) -> list[ProbeResult]:
    """Every spec of one container (tcp, dns, resolv, listening) in one python process: one exec, whatever
    their number (the items travel on stdin)."""
    namespace, pod, container = specs[0].source
    items = [item(spec) for spec in specs]
    stdin = "".join(f"{line}\n" for line in [str(len(items)), *items]).encode()
    started = time.perf_counter()
    result = cluster.exec(namespace, pod, container, [tool, "-c", PY_BATCH, f"{timeout:g}"], stdin=stdin,
                          timeout=timeout + EXEC_GRACE)
    elapsed = (time.perf_counter() - started) * 1000
    answers = _answers(result.stdout)
    return [_batch_result(spec, answers.get(index), result, tool, elapsed) for index, spec in enumerate(specs)]


def item(spec: ProbeSpec) -> str:
    if spec.kind == "tcp":
        return f"tcp|{checked_host(spec.target)}|{checked_port(spec.port)}"
    if spec.kind == "dns":
        return f"dns|{checked_host(spec.target)}"
    return "file|" + ",".join(FILES[spec.kind])


def _answers(stdout: str) -> dict:
    found = {}
    for line in stdout.splitlines():
        try:
            index, outcome, detail = json.loads(line)
        except ValueError:
            continue
        found[index] = (outcome, detail)
    return found


def _batch_result(spec: ProbeSpec, answer, whole: ExecResult, tool: str, elapsed: float) -> ProbeResult:
    command = (tool, "-c", "<probe batch>", item(spec))
    if answer is None:  # the exec failed or was cut off before this item reported
        return ProbeResult(spec, "exec-failed", whole.error or "no answer from the probe batch", elapsed, tool, command)
    outcome, detail = answer
    if spec.kind in FILES:
        read = classify(Plan(spec.kind, "cat", ("cat", *FILES[spec.kind])), ExecResult(detail, "", 0))
        data = read.data
        return ProbeResult(spec, read.outcome, read.detail, elapsed, tool, command,
                           sockets=tuple(data.get("sockets", ())), search=tuple(data.get("search", ())),
                           ndots=data.get("ndots"), nameservers=tuple(data.get("nameservers", ())))
    addresses = tuple(detail.split()) if outcome == "resolved" else ()
    return ProbeResult(spec, outcome, detail, elapsed, tool, command, addresses=addresses)


def tcp_sweep(cluster, specs: list[ProbeSpec], tool: str, timeout: float) -> list[ProbeResult]:
    """TCP probes that all start from the same container, in one `sh` loop of nc (no python there)."""
    namespace, pod, container = specs[0].source
    seconds = str(max(1, round(timeout)))
    argv = ["sh", "-c", SWEEP_LOOPS[tool], "sh", seconds]
    for spec in specs:
        argv += [checked_host(spec.target), str(checked_port(spec.port))]
    started = time.perf_counter()
    result = cluster.exec(namespace, pod, container, argv,
                          timeout=timeout + EXEC_GRACE + SPAWN_ALLOWANCE * len(specs))
    elapsed = (time.perf_counter() - started) * 1000
    lines = _lines(result.stdout)
    return [_result(spec, lines.get((spec.target, str(spec.port))), result, tool, seconds, elapsed) for spec in specs]


def _lines(stdout: str) -> dict:
    """(host, port) -> (exit code, first line of detail)."""
    found = {}
    for line in stdout.splitlines():
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[0].isdigit():
            found[(parts[1], parts[2])] = (int(parts[0]), parts[3] if len(parts) > 3 else "")
    return found


def _result(spec: ProbeSpec, line, whole: ExecResult, tool: str, seconds: str, elapsed: float) -> ProbeResult:
    argv = (*(("busybox",) if tool == "busybox" else ()), "nc", "-v", "-z", "-w", seconds, spec.target, str(spec.port))
    if line is None:  # the exec failed or was cut off before this target reported
        single = ExecResult("", "", None, whole.error or "no result line from the sweep", whole.timed_out)
    else:
        single = ExecResult("", line[1], line[0])
    outcome = classify(Plan("tcp", "nc", argv), single)
    return ProbeResult(spec, outcome.outcome, outcome.detail, elapsed, tool, argv)


def chunks(specs: list[ProbeSpec], script: str) -> list[list[ProbeSpec]]:
    """Split one container's nc sweep so that each exec's query string (its argv) stays within URL_BUDGET."""
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
