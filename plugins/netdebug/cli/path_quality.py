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
    """Run the repeats from SRC's container: (the JSON section, findings). Safe to run beside the
    other probes: it only reads the report."""
    from ..probe.repeat import exec_seconds, parse_attempts, repeat_argv
    from ..probe.tools import Toolset, missing_binary

    wanted = targets(report)
    if not wanted or query.source is None:
        return {"count": count, "skipped": "nothing to repeat on this path"}, []
    namespace, pod = objects.namespace(query.source), objects.name(query.source)
    container = query.source_container or objects.pod_containers(query.source)[0]["name"]
    for python in ("python3", "python"):
        argv = repeat_argv(Toolset(frozenset([python])), [t[:3] for t in wanted], count, timeout)
        result = cluster.exec(namespace, pod, container, argv, timeout=exec_seconds(count, timeout))
        if not (result.error and missing_binary(result.error)):
            break
    else:
        return {"count": count, "error": f"--count needs python3 or python in {namespace}/{pod} ({container}); "
                                          "use --ephemeral IMAGE with one (e.g. nicolaka/netshoot)"}, []
    if result.returncode != 0:
        return {"count": count, "error": result.error or (result.stderr.strip().splitlines() or ["no output"])[-1]}, []
    return _conclude(report, wanted, parse_attempts(result.stdout, len(wanted)), count, python)


def _conclude(report, wanted: list[tuple], attempts: list, count: int, tool: str) -> tuple[dict, list]:
    measured = [quality.measure(kind, host if kind == "dns" else f"{host}:{port}", tries)
                for (kind, host, port, _), tries in zip(wanted, attempts)]
    dns_hop = report.hop("dns")
    queries = (dns_hop.facts.get("queries") if dns_hop else None) or []
    paths = [{**m.to_dict(), "of": label} for m, (*_, label) in zip(measured, wanted)]
    return {"count": count, "tool": tool, "paths": paths}, quality.findings(measured, f"Pod {report.source}", queries)
