"""DNS in a source capture: every query (id, name), when it left and its answer (rcode, answers,
time), and queries that were never answered. Pure."""
from ..model.findings import Finding
from .capture_flows import End


def dns_exchanges(source: End) -> list[dict]:
    """Every DNS query the source sent (id + name), when it left, and its answer: rcode, answers, time."""
    queries: dict[tuple, dict] = {}
    for packet in source.packets:
        message = packet.dns
        if message is None:
            continue
        key = (message.id, message.qname.lower())
        if not message.response and packet.src == source.ip:
            queries.setdefault(key, {"id": message.id, "name": message.qname, "server": packet.dst, "time": packet.time})
        elif message.response and key in queries and "rcode" not in queries[key]:
            entry = queries[key]
            entry.update(rcode=RCODES.get(message.rcode, str(message.rcode)), answers=message.answers,
                         ms=round((packet.time - entry["time"]) * 1000, 3))
    return [{k: v for k, v in q.items() if k != "time"} for q in queries.values()]


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED"}


def dns_findings(exchanges: list[dict], source: End) -> list[Finding]:
    """Queries that left and were never answered, per server (an answer of any rcode is an answer)."""
    unanswered: dict[str, list] = {}
    for entry in exchanges:
        if "rcode" not in entry:
            unanswered.setdefault(entry["server"], []).append(entry)
    return [Finding("capture-dns-unanswered", "error",
                    f"DNS {server}:53: {len(lost)} queries left {source.pod}, none was answered "
                    f"({', '.join(sorted({q['name'] for q in lost}))})", {"queries": lost, "captures": [source.file]},
                    "check the cluster DNS pods and Service endpoints, and egress policy for UDP/TCP 53",
                    subject=f"Pod {source.pod}")
            for server, lost in unanswered.items() if len(lost) == len([e for e in exchanges if e["server"] == server])]
