"""netpath's measured sections in text: the capture (pcap files, each flow's fate, what was added)
and the path quality of --count (loss, round trips, jitter per path)."""
from .style import Style

VERDICT_COLOR = {"answered": "green"}


def render_sections(sections: dict, stream, style: Style) -> None:
    if "quality" in sections:
        render_quality(sections["quality"], stream, style)
    if "capture" in sections:
        render_capture(sections["capture"], stream, style)
    if "fabric" in sections:
        render_fabric(sections["fabric"], stream, style)


def render_fabric(data: dict, stream, style: Style) -> None:
    stream.write("\n" + style.paint("node fabric", "bold") + "\n")
    if data.get("skipped") or data.get("error"):
        stream.write(f"  {data.get('skipped') or 'error: ' + data['error']}\n")
        return
    stream.write(f"  because {data['problem']}; the same probe from the source to:\n")
    for entry in data["comparison"]:
        works = entry["reached"] == entry["sent"]
        verdict = style.paint("answers" if works else f"{entry['lossPercent']:g}% lost", "green" if works else "red")
        verdict += f", median {entry['medianMs']:g} ms" if entry.get("medianMs") is not None else ""
        stream.write(f"  {entry['role']:<16} {entry['pod']} on {entry['node']} ({entry['target']}): {verdict} "
                     f"[{entry['reached']}/{entry['sent']}]\n")
    if data.get("note"):
        stream.write(f"  {data['note']}\n")


def render_quality(data: dict, stream, style: Style) -> None:
    stream.write("\n" + style.paint(f"path quality ({data['count']} attempts each)", "bold") + "\n")
    if data.get("skipped") or data.get("error"):
        stream.write(f"  {data.get('skipped') or 'error: ' + data['error']}\n")
        return
    for path in data["paths"]:
        rtt = path.get("rttMs")
        numbers = (f"rtt min/median/p99 {rtt['min']:g}/{rtt['median']:g}/{rtt['p99']:g} ms, jitter {path['jitterMs']:g} ms"
                   if rtt else "no answer")
        refused = f", {path['refused']} refused" if path["refused"] else ""
        loss = style.paint(f"{path['lossPercent']:g}% lost", "green" if not path["lossPercent"] else "red")
        stream.write(f"  {path['kind'].upper():<4} {path['target']} ({path['of']}): {loss}{refused} · {numbers}\n")
    for line in data.get("mtu") or []:
        stream.write("  " + _mtu_line(line) + "\n")


def _mtu_line(line: dict) -> str:
    if line.get("error") or line.get("note"):
        return f"MTU  {line.get('target', '')} {line.get('error') or line['note']}".replace("  ", " ", 1)
    largest, interface = line["largestPassing"], line["interfaceMtu"]
    verdict = "full size passes" if largest == interface else \
        f"largest passing {largest}, {line.get('smallestFailing')} lost" + \
        (f" (ICMP says path MTU {line['fragNeeded']})" if line.get("fragNeeded") else " silently: black hole")
    return f"MTU  {line['target']} ({line['of']}): interface {interface} · {verdict}"


def render_capture(data: dict, stream, style: Style) -> None:
    stream.write("\n" + style.paint("capture", "bold") + "\n")
    if data.get("skipped"):
        stream.write(f"  {data['skipped']}\n")
        return
    limits = data["limits"]
    stream.write(f"  filter: {data['filter']} (at most {limits['seconds']:g} s, {limits['packets']} packets)\n")
    for entry in data["files"]:
        where = f"{entry['role']:<11} {entry['pod']}" + (f" ({entry['container']})" if entry.get("container") else "")
        what = f"error: {entry['error']}" if entry.get("error") else f"{entry['packets']} packet(s) -> {entry['file']}"
        stream.write(f"  {where}: {what}\n")
    for flows in _grouped(data["flows"]):
        stream.write("  " + _flow_line(flows[0], style, len(flows)) + "\n")
    for queries in _dns_groups(data.get("dns") or []):
        stream.write("  " + _dns_line(queries, style) + "\n")
    for entry in data.get("added") or []:
        stream.write(f"  added to {entry['pod']}: ephemeral container {entry['container']} ({entry['image']}), "
                     "which stays until the pod is deleted\n")


def _grouped(flows: list[dict]) -> list[list[dict]]:
    """Repeated attempts (--count) of one verdict to one address make one line."""
    groups: dict[tuple, list] = {}
    for flow in flows:
        groups.setdefault((flow["protocol"], flow["dst"], flow["dport"], flow["verdict"]), []).append(flow)
    return list(groups.values())


def _flow_line(flow: dict, style: Style, times: int = 1) -> str:
    numbers = [f"{key} {flow[key]}" for key in ("sent", "retransmissions", "arrived", "rttMs") if flow.get(key)]
    answer = f" · {flow['answer']}" if flow.get("answer") else ""
    verdict = style.paint(flow["verdict"], VERDICT_COLOR.get(flow["verdict"], "red"))
    where = f" ({flow['pod']})" if flow.get("pod") else ""
    source = f":{flow['sport']}" if times == 1 else f"x{times}"
    return f"{flow['protocol']} {source} -> {flow['dst']}:{flow['dport']}{where}: {verdict}{answer}" + \
        (f" [{', '.join(numbers)}]" if numbers and times == 1 else "")


def _dns_groups(queries: list[dict]) -> list[list[dict]]:
    """Queries for one name to one server with one outcome make one line (A and AAAA, repeats)."""
    groups: dict[tuple, list] = {}
    for query in queries:
        groups.setdefault((query["name"], query["server"], query.get("rcode")), []).append(query)
    return list(groups.values())


def _dns_line(queries: list[dict], style: Style) -> str:
    first, times = queries[0], f" x{len(queries)}" if len(queries) > 1 else f" (id {queries[0]['id']})"
    if "rcode" not in first:
        return f"DNS {first['name']}{times} -> {first['server']}: {style.paint('no answer', 'red')}"
    spent = sorted(q["ms"] for q in queries)
    answered = sum(1 for q in queries if q.get("answers"))
    return (f"DNS {first['name']}{times} -> {first['server']}: {first['rcode']}, {answered} with answers, "
            f"median {spent[len(spent) // 2]:g} ms")
