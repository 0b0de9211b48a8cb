"""The capture part of netpath's text output: the pcap files, each flow's fate, what was added."""
from .style import Style

VERDICT_COLOR = {"answered": "green"}


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
    for flow in data["flows"]:
        stream.write("  " + _flow_line(flow, style) + "\n")
    for entry in data.get("added") or []:
        stream.write(f"  added to {entry['pod']}: ephemeral container {entry['container']} ({entry['image']}), "
                     "which stays until the pod is deleted\n")


def _flow_line(flow: dict, style: Style) -> str:
    numbers = [f"{key} {flow[key]}" for key in ("sent", "retransmissions", "arrived", "rttMs") if flow.get(key)]
    answer = f" · {flow['answer']}" if flow.get("answer") else ""
    verdict = style.paint(flow["verdict"], VERDICT_COLOR.get(flow["verdict"], "red"))
    where = f" ({flow['pod']})" if flow.get("pod") else ""
    return f"{flow['protocol']} :{flow['sport']} -> {flow['dst']}:{flow['dport']}{where}: {verdict}{answer}" + \
        (f" [{', '.join(numbers)}]" if numbers else "")
