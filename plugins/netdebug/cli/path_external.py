"""Probes for SRC `external`, sent from this machine: the name first, then every way in at once."""
from concurrent.futures import ThreadPoolExecutor

from ..diagnose import external_probes

PARALLEL = 16
PUBLIC = ("role", "kind", "target", "port", "host", "path", "via", "from", "outcome", "detail", "status", "elapsedMs",
          "tool", "addresses", "aliases", "server", "zone")


def probe_external(report, timeout: float, http_path: str | None, stream) -> None:
    external = report.targets.get("external")
    if not external:
        return
    first = external_probes.first_round(external)
    if stream.isatty():
        stream.write(f"probing {external.get('host') or 'the entry addresses'} from this machine "
                     f"(timeout {timeout:g}s)...\n")
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda p: run(p, timeout), first))
        resolved = results[0].get("addresses") or [] if results else []
        second = external_probes.second_round(external, resolved, http_path)
        results += list(pool.map(lambda p: run(p, timeout), second))
    external_probes.conclude(report, results)
    report.probes = [_public(r) for r in results]


def run(probe: dict, timeout: float) -> dict:
    from ..probe import external

    if probe["kind"] == "resolve":
        found = external.resolve(probe["target"], timeout)
    elif probe["kind"] == "authority":
        from ..probe.dns_authority import authoritative

        found = authoritative(probe["target"], timeout)
    elif probe["kind"] == "tcp":
        found = external.tcp(probe["target"], probe["port"], timeout)
    elif probe["kind"] == "udp":
        found = external.udp(probe["target"], probe["port"], timeout)
    else:
        found = external.http(probe["target"], probe["port"], probe["host"], probe["path"], timeout,
                              tls=probe["kind"] == "https")
    return {**probe, **found, "from": "this machine"}


def _public(result: dict) -> dict:
    found = {k: result[k] for k in PUBLIC if result.get(k) not in (None, "", [])}
    if "certificate" in result:
        found["certificate"] = {k: v for k, v in result["certificate"].items() if k != "verify"}
        found["certificate"]["verify"] = (result["certificate"].get("verify") or {}).get("message") or "trusted"
    return found
