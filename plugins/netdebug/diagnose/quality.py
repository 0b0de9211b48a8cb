"""Path quality from repeated probes (--count): loss, RTT min/median/p99, jitter; thresholds become
findings (path-lossy, path-slow, dns-slow). Pure.

Thresholds are for traffic inside one cluster, where a pod-to-pod handshake takes well under a
few milliseconds: a median above SLOW_MS is slow, any loss at all is worth saying.
"""
from dataclasses import dataclass

from ..model.findings import Finding

SLOW_MS = 50.0  # median TCP/UDP round trip
DNS_SLOW_MS = 100.0  # median lookup, every search-list query included
LOSSY_PERCENT = 5.0


@dataclass(frozen=True)
class Quality:
    kind: str  # tcp | udp | dns
    target: str  # host:port or the name
    sent: int
    answered: int
    refused: int
    rtts: tuple  # milliseconds of the answered attempts, in the order they were made

    @property
    def loss_percent(self) -> float:
        return round(100.0 * (self.sent - self.answered - self.refused) / self.sent, 1) if self.sent else 0.0

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "target": self.target, "sent": self.sent, "answered": self.answered,
                "refused": self.refused, "lossPercent": self.loss_percent}
        if self.rtts:
            data.update(rttMs={"min": min(self.rtts), "median": median(self.rtts), "p99": percentile(self.rtts, 99),
                               "max": max(self.rtts)}, jitterMs=jitter(self.rtts))
        return data


def measure(kind: str, target: str, attempts: list[tuple]) -> Quality:
    """attempts: (outcome, milliseconds) in the order they were made."""
    answered = [ms for outcome, ms in attempts if outcome == "ok"]
    refused = sum(1 for outcome, _ in attempts if outcome == "refused")
    return Quality(kind, target, len(attempts), len(answered), refused, tuple(round(ms, 3) for ms in answered))


def median(values) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return round(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2, 3)


def percentile(values, pct: float) -> float:
    """Nearest-rank percentile (p99 of 20 samples is the largest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return round(ordered[int(rank) - 1], 3)


def jitter(values) -> float:
    """Mean absolute difference between successive samples (RFC 3550's idea, without smoothing)."""
    samples = list(values)
    if len(samples) < 2:
        return 0.0
    return round(sum(abs(b - a) for a, b in zip(samples, samples[1:])) / (len(samples) - 1), 3)


def findings(qualities: list[Quality], subject: str, dns_queries: list[str] | None = None) -> list[Finding]:
    found = []
    for quality in qualities:
        lost = quality.sent - quality.answered - quality.refused
        if quality.kind != "dns" and lost and quality.answered and quality.loss_percent >= LOSSY_PERCENT:
            found.append(_lossy(quality, subject))
        if quality.kind != "dns" and quality.rtts and median(quality.rtts) > SLOW_MS:
            found.append(_slow(quality, subject))
        if quality.kind == "dns" and quality.rtts and median(quality.rtts) > DNS_SLOW_MS:
            found.append(_dns_slow(quality, subject, dns_queries or []))
    return found


def _lossy(quality: Quality, subject: str) -> Finding:
    lost = quality.sent - quality.answered - quality.refused
    return Finding("path-lossy", "warning",
                   f"{quality.kind.upper()} {quality.target}: {quality.loss_percent:g}% lost ({lost} of {quality.sent} "
                   "attempts got no answer in time)", quality.to_dict(),
                   "packets are lost on the way: check the CNI/overlay, node NICs and links, and conntrack/"
                   "socket drops on the nodes (compare with a same-node peer)", subject=subject)


def _slow(quality: Quality, subject: str) -> Finding:
    return Finding("path-slow", "warning",
                   f"{quality.kind.upper()} {quality.target}: median round trip {median(quality.rtts):g} ms "
                   f"(p99 {percentile(quality.rtts, 99):g} ms), above {SLOW_MS:g} ms for traffic inside the cluster",
                   quality.to_dict(), "look for congested or shaped links, a far-away node, or a busy destination",
                   subject=subject)


def _dns_slow(quality: Quality, subject: str, queries: list[str]) -> Finding:
    per_lookup = len(queries) or 1
    note = (f"; each lookup of this name is {per_lookup} queries per address family (ndots search list: "
            f"{', '.join(queries)})" if per_lookup > 1 else "")
    return Finding("dns-slow", "warning",
                   f"DNS {quality.target}: median lookup {median(quality.rtts):g} ms (p99 "
                   f"{percentile(quality.rtts, 99):g} ms), above {DNS_SLOW_MS:g} ms{note}",
                   {**quality.to_dict(), "queriesPerLookup": per_lookup},
                   "check the cluster DNS pods (CPU, throttling, upstream latency); use the FQDN with a trailing dot, "
                   "or lower ndots in dnsConfig, to skip the search list", subject=subject)


def mtu_summary(host: str, label: str, entry: dict) -> dict:
    """The JSON line for one target: interface MTU, largest size that came back, smallest that did not."""
    data = {"target": host, "of": label, "interfaceMtu": entry.get("interfaceMtu"),
            "largestPassing": max(entry.get("passed") or [0]) or None,
            "smallestFailing": min(entry.get("failed") or [0]) or None}
    if entry.get("fragNeeded"):
        data["fragNeeded"] = entry["fragNeeded"]
    if entry.get("error"):
        data["error"] = entry["error"]
    elif not entry.get("passed"):
        data["note"] = "no ICMP echo came back at any size (ICMP filtered?): path MTU unknown"
    return data


def mtu_findings(summaries: list[dict], subject: str) -> list[Finding]:
    """A size below the interface MTU that is lost silently is a black hole; with ICMP it is only info."""
    found = []
    for line in summaries:
        largest, interface = line.get("largestPassing"), line.get("interfaceMtu")
        if not largest or not interface or largest >= interface:
            continue
        if line.get("fragNeeded"):
            found.append(Finding("path-mtu-reduced", "info",
                                 f"path MTU to {line['of']} ({line['target']}) is {line['fragNeeded']} bytes, below the "
                                 f"interface MTU {interface}; ICMP 'fragmentation needed' comes back, so PMTU discovery "
                                 "copes", line, subject=subject))
            continue
        found.append(Finding("mtu-black-hole", "error",
                             f"MTU black hole to {line['of']} ({line['target']}): packets up to {largest} bytes pass, "
                             f"{line.get('smallestFailing')} and more vanish without ICMP 'fragmentation needed', below the "
                             f"interface MTU {interface}: small requests work, full-size packets hang", line,
                             f"set the pod network's MTU (CNI config) to {largest} or less for the overlay's overhead, "
                             "or let ICMP 'fragmentation needed' through / clamp the TCP MSS on the nodes", subject=subject))
    return found
