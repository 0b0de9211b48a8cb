"""netpath --count N: repeat the connects (and the DNS lookup) N times in one exec from SRC, and
turn loss, round trips and jitter into findings (diagnose/quality.py)."""
from ..diagnose import quality
from ..model import objects

MAX_ENDPOINTS = 4  # endpoints measured one by one (never pooled)


def targets(report) -> list[tuple]:
    """(kind, host, port, label) for the Service address, the first endpoints and the DNS name."""
    kind = "udp" if report.protocol == "UDP" else "tcp"
    found = []
    service = report.targets.get("service") or {}
    if service.get("ip") and not service["ip"].startswith("<") and isinstance(service.get("port"), int):
        found.append((kind, service["ip"], service["port"], f"Service {service.get('service', service['ip'])}"))
    for endpoint in [e for e in report.targets.get("endpoints") or [] if e.get("ip") and e.get("port")][:MAX_ENDPOINTS]:
        found.append((kind, endpoint["ip"], endpoint["port"], f"Pod {endpoint['pod']}"))
    if report.targets.get("dns"):
        found.append(("dns", report.targets["dns"], 0, "DNS name"))
    return found


def measure_path(cluster, report, query, count: int, timeout: float) -> tuple[dict, list]:
    """The repeats and the MTU ladder side by side (two execs from SRC): (JSON section, findings)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        mtu = pool.submit(measure_mtu, cluster, report, query, timeout)
        section, found = repeat_probes(cluster, report, query, count, timeout)
        lines, mtu_found = mtu.result()
    return {**section, "mtu": lines}, found + mtu_found


def measure_mtu(cluster, report, query, timeout: float) -> tuple[list, list]:
    """Largest packet with Don't Fragment that reaches each endpoint pod, vs the interface MTU."""
    from ..probe.mtu import mtu_argv, parse_mtu

    hosts = {e["ip"]: f"Pod {e['pod']}" for e in (report.targets.get("endpoints") or [])[:MAX_ENDPOINTS] if e.get("ip")}
    if not hosts or query.source is None:
        return [], []
    result, python = run_python(cluster, query, lambda python: mtu_argv(python, list(hosts), max(0.5, timeout / 2)),
                                 2 * timeout + 3)
    if result is None or result.returncode != 0:
        return [{"error": python_failure(result, python)}], []
    parsed = parse_mtu(result.stdout)
    if "*" in parsed:
        return [{"error": parsed["*"].get("error")}], []
    lines = [quality.mtu_summary(host, label, parsed.get(host, {})) for host, label in hosts.items()]
    return lines, quality.mtu_findings(lines, f"Pod {report.source}")


def run_python(cluster, query, argv_for, seconds: float):
    """(ExecResult, python) from the first container of SRC with python3 or python (the chosen one, its
    siblings, then ephemeral containers netdebug added); (None, None) when none has it."""
    from ..probe.tools import missing_binary

    namespace, pod = objects.namespace(query.source), objects.name(query.source)
    for container in _containers(cluster, query):
        for python in ("python3", "python"):
            result = cluster.exec(namespace, pod, container, argv_for(python), timeout=seconds)
            if not (result.error and missing_binary(result.error)):
                return result, python
    return None, None


def _containers(cluster, query):
    """Lazily: a fresh read of the pod (for ephemeral containers) only when the others lack Python."""
    names = [c["name"] for c in objects.pod_containers(query.source)]
    chosen = query.source_container or names[0]
    yield from [chosen] + [name for name in names if name != chosen]
    fresh = cluster.get("Pod", objects.namespace(query.source), objects.name(query.source)) or {}
    ours = [c["name"] for c in objects.spec(fresh).get("ephemeralContainers") or [] if c["name"].startswith("netdebug-")]
    yield from reversed(ours)


def python_failure(result, python) -> str:
    if result is None:
        return "needs python3 or python in the source container; use --ephemeral IMAGE with one (e.g. nicolaka/netshoot)"
    return result.error or (result.stderr.strip().splitlines() or ["no output"])[-1]


def repeat_probes(cluster, report, query, count: int, timeout: float) -> tuple[dict, list]:
    """Run the repeats from SRC's container: (the JSON section, findings). Safe to run beside the
    other probes: it only reads the report."""
    from ..probe.repeat import exec_seconds, parse_attempts, repeat_argv
    from ..probe.tools import Toolset

    wanted = targets(report)
    if not wanted or query.source is None:
        return {"count": count, "skipped": "nothing to repeat on this path"}, []
    result, python = run_python(cluster, query, lambda python: repeat_argv(
        Toolset(frozenset([python])), [t[:3] for t in wanted], count, timeout), exec_seconds(count, timeout))
    if result is None or result.returncode != 0:
        return {"count": count, "error": python_failure(result, python)}, []
    return _conclude(report, wanted, parse_attempts(result.stdout, len(wanted)), count, python)


def _conclude(report, wanted: list[tuple], attempts: list, count: int, tool: str) -> tuple[dict, list]:
    measured = [quality.measure(kind, host if kind == "dns" else f"{host}:{port}", tries)
                for (kind, host, port, _), tries in zip(wanted, attempts)]
    dns_hop = report.hop("dns")
    queries = (dns_hop.facts.get("queries") if dns_hop else None) or []
    paths = [{**m.to_dict(), "of": label} for m, (*_, label) in zip(measured, wanted)]
    return {"count": count, "tool": tool, "paths": paths}, quality.findings(measured, f"Pod {report.source}", queries)
