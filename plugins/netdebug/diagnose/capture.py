"""Where a packet died, from captures at the source and at the destination pods. Pure.

Each connection attempt the source sent is followed (capture_flows), judged (capture_judge: one of
the verdicts in capture_findings) and told as findings (capture_findings).
"""
from ..model.findings import Finding
from .capture_findings import findings, summary
from .capture_flows import End, Expected, Flow, source_flows
from .capture_judge import judge


def conclude(source: End, destinations: list[End], expected: Expected) -> tuple[list[Finding], list[dict]]:
    """Findings and one summary per flow the source started towards the probed ports."""
    flows = [f for f in source_flows(source) if f.dport in expected.ports and f.dport != 53]
    flows += _never_left(flows, expected)
    for flow in flows:
        judge(flow, source, destinations, expected)
    files = [end.file for end in [source, *destinations] if end.file]
    return findings(flows, source, expected, files), [summary(f) for f in flows]


def _never_left(flows: list[Flow], expected: Expected) -> list[Flow]:
    """Probes to a pod address of which the source capture saw nothing leave."""
    seen = {(f.protocol, f.dst, f.dport) for f in flows}
    return [Flow(protocol, 0, ip, port, verdict="never-left") for protocol, ip, port in expected.probed
            if ip not in expected.service_ips and (protocol, ip, port) not in seen]
