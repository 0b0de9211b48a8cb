"""netpath --count N: repeat the connects (and the DNS lookup) N times in one exec from SRC, and
turn loss, round trips and jitter into findings (diagnose/quality.py)."""
from ..diagnose import quality

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
    from ..probe import python_exec

    hosts = {e["ip"]: f"Pod {e['pod']}" for e in (report.targets.get("endpoints") or [])[:MAX_ENDPOINTS] if e.get("ip")}
    if not hosts or query.source is None:
        return [], []
    parsed, error = python_exec.mtu_ladder(cluster, query.source, query.source_container, list(hosts), timeout)
    if error:
        return [{"error": error}], []
    lines = [quality.mtu_summary(host, label, parsed.get(host, {})) for host, label in hosts.items()]
    return lines, quality.mtu_findings(lines, f"Pod {report.source}")


def repeat_probes(cluster, report, query, count: int, timeout: float) -> tuple[dict, list]:
    """Run the repeats from SRC's container: (the JSON section, findings). Safe to run beside the
    other probes: it only reads the report."""
    from ..probe import python_exec

    wanted = targets(report)
    if not wanted or query.source is None:
        return {"count": count, "skipped": "nothing to repeat on this path"}, []
    attempts, tool = python_exec.repeats(cluster, query.source, query.source_container, [t[:3] for t in wanted],
                                         count, timeout)
    if attempts is None:
        return {"count": count, "error": tool}, []
    return _conclude(report, wanted, attempts, count, tool)


def _conclude(report, wanted: list[tuple], attempts: list, count: int, tool: str) -> tuple[dict, list]:
    measured = [quality.measure(kind, host if kind == "dns" else f"{host}:{port}", tries)
                for (kind, host, port, _), tries in zip(wanted, attempts)]
    dns_hop = report.hop("dns")
    queries = (dns_hop.facts.get("queries") if dns_hop else None) or []
    paths = [{**m.to_dict(), "of": label} for m, (*_, label) in zip(measured, wanted)]
    return {"count": count, "tool": tool, "paths": paths}, quality.findings(measured, f"Pod {report.source}", queries)
