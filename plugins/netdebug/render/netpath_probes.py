"""The probes netpath ran, one line each: what, from where, the outcome and its detail."""
from .external_text import probe_detail
from .style import Style

GOOD = ("connected", "resolved", "http", "listening", "read", "answered")
BAD = ("refused", "timeout", "nxdomain", "dns-error")


def write_probes(probes: list[dict], stream, style: Style) -> None:
    if not probes:
        return
    stream.write("\nprobes:\n")
    for probe in probes:
        outcome = probe["outcome"]
        status = "ok" if outcome in GOOD else "fail" if outcome in BAD else "unknown"
        tool = f" [{probe['tool']}]" if probe.get("tool") else ""
        stream.write(f"  {style.mark(status)} {probe['kind']:<9} {_probe_what(probe)}: {outcome}{_probe_detail(probe)}"
                     f" ({probe.get('elapsedMs', 0):.0f} ms){tool}\n")


def _probe_what(probe: dict) -> str:
    if probe["kind"] == "listening":
        return f"sockets of {probe['from']}"
    if probe["kind"] == "resolv":
        return f"/etc/resolv.conf of {probe['from']}"
    where = probe["target"] + (f":{probe['port']}" if probe.get("port") else "") + probe.get("path", "")
    return f"{where} from {probe['from']}"


def _probe_detail(probe: dict) -> str:
    external = probe_detail(probe)
    if external is not None:
        return external
    if probe["kind"] == "listening":
        return " " + (", ".join(f"{s['address']}:{s['port']}/{s['protocol']}" for s in probe.get("sockets") or []) or "none")
    if probe["kind"] == "dns":
        return " " + (", ".join(probe.get("addresses") or []) or probe.get("detail", ""))
    if probe["kind"] == "resolv" and probe["outcome"] == "read":
        return f" search {' '.join(probe.get('search') or []) or '<none>'}, ndots {probe.get('ndots')}"
    if probe["outcome"] in ("connected",) or not probe.get("detail"):
        return ""
    return f" {probe['detail']}"
