"""What netpath --capture's packets say: the ends and what the probes expected, findings folded into the
report (flows, DNS exchanges, slow DNS), and the JSON section with the pcap files."""
from ..diagnose.capture import conclude
from ..diagnose.capture_dns import dns_exchanges, dns_findings
from ..diagnose.capture_flows import End, Expected
from ..diagnose.capture_fold import fold, settle_udp
from ..model import objects


def capture_section(report, query, captures: list, ports: set, bpf: str, limits: dict, added: list) -> dict:
    source, *destinations = [_end(c, report) for c in captures]
    source = End(source.role, source.pod, _ip(query.source), source.packets, source.file, source.error)
    expected = Expected(
        endpoints={e["ip"]: e["pod"] for e in report.targets.get("endpoints") or [] if e.get("ip")},
        ports=frozenset(ports), service_ips=frozenset(_service_ips(report)), probed=tuple(_probed(report)))
    flows, dns = [], []
    if source.error is None:
        findings, flows = conclude(source, destinations, expected)
        dns = dns_exchanges(source)
        fold(report, findings + dns_findings(dns, source) + _slow_dns(report, dns))
        settle_udp(report, flows)
    return {"filter": bpf, "limits": limits, "added": added,
            "files": [_file(c) for c in captures], "flows": flows, "dns": dns}


def _slow_dns(report, exchanges: list[dict]) -> list:
    """dns-slow from the answers the source capture timed (the name's queries; --count not needed)."""
    from ..diagnose import quality

    name = report.targets.get("dns")
    answered = [("ok", q["ms"]) for q in exchanges if "ms" in q]
    if not name or not answered or any(f.code == "dns-slow" for f in report.observations):
        return []
    dns_hop = report.hop("dns")
    queries = (dns_hop.facts.get("queries") if dns_hop else None) or []
    return quality.findings([quality.measure("dns", f"{name} (queries seen in the capture)", answered)],
                            f"Pod {report.source}", queries)


def _end(capture, report) -> End:
    return End(capture.spec.role, capture.ref, "", tuple(capture.packets), capture.file, capture.error)


def _ip(pod: dict) -> str:
    return (objects.pod_ips(pod) or [""])[0]


def _service_ips(report) -> list[str]:
    service = report.targets.get("service") or {}
    return [service["ip"]] if service.get("ip") and not service["ip"].startswith("<") else []


def _probed(report) -> list[tuple]:
    protocol = report.protocol
    return [(protocol, e["ip"], e["port"]) for e in report.targets.get("endpoints") or []
            if e.get("ip") and isinstance(e.get("port"), int)]


def _file(capture) -> dict:
    data = {"role": capture.spec.role, "pod": capture.ref, "container": capture.container, "file": capture.file,
            "packets": len(capture.packets), "seconds": capture.seconds}
    return {**data, "error": capture.error} if capture.error else data
