"""The path drawn in the terminal: one line per hop, the first broken hop highlighted, the verdict,
then findings with their fixes and the probes that were run."""
from ..render.style import SEVERITY_COLOR, Style
from .external_text import dns_line, entry_line, probe_detail

MARK = {"ok": "ok", "fail": "fail", "unknown": "unknown"}
WIDTH = 12


def render(report: dict, stream, style: Style) -> None:
    port = f" {report['protocol']} {report['port']}" if report.get("port") else f" {report['protocol']}"
    stream.write(style.paint(f"{report['source']} → {report['destination']}{port}", "bold") + "\n\n")
    broken = next((h["name"] for h in report["hops"] if h["status"] == "fail"), None)
    for hop in report["hops"]:
        stream.write(_hop_line(hop, style, hop["name"] == broken) + "\n")
    stream.write("\n" + _verdict_line(report["verdict"], style) + "\n")
    _findings(report["findings"], stream, style)
    _probes(report["probes"], stream, style)
    _notes(report.get("gaps") or [], stream)


def _hop_line(hop: dict, style: Style, first_broken: bool) -> str:
    name = hop["name"].ljust(WIDTH)
    text = SUMMARY[hop["name"]](hop["facts"])
    if hop["status"] == "unknown" and hop.get("reason"):
        text += f" — ? {hop['reason']}"
    if first_broken:
        return f"  {style.mark('fail')} {style.paint(name, 'red', 'bold')}{style.paint(text, 'red')}" \
               f"  {style.paint('<- first broken hop: ' + hop.get('code', ''), 'red', 'bold')}"
    warned = hop["status"] == "ok" and hop["facts"].get("enforced") is False  # declared no, observed yes
    return f"  {style.mark('warn' if warned else MARK[hop['status']])} {name}{text}"


def _verdict_line(verdict: str, style: Style) -> str:
    color = "green" if verdict == "reachable" else "yellow" if verdict == "unknown" or verdict.startswith("partly") \
        else "red"
    return f"verdict: {style.paint(verdict, color, 'bold')}"


def _source(facts: dict) -> str:
    if facts.get("external"):
        return "external (this machine, outside the cluster)"
    text = facts["pod"] + (f" ({facts['chosenFrom']})" if facts.get("chosenFrom") else "")
    text += f" container {facts['container']}" if facts.get("container") else ""
    return text + " · " + _pod_state(facts)


def _pod_state(facts: dict) -> str:
    if facts.get("declared"):
        return "declared in manifests (no runtime state)"
    state = [facts.get("phase") or "no phase", facts.get("state") or ("ready" if facts.get("ready") else "not ready")]
    if facts.get("terminating"):
        state.append(f"Terminating since {facts['terminating']}")
    where = f"{facts.get('ip', 'no IP')} on {facts.get('node', '<unscheduled>')}"
    host = " · hostNetwork (policy is CNI-defined)" if facts.get("hostNetwork") else ""
    return f"{', '.join(state)} · {where}{host}"


def _dns(facts: dict) -> str:
    if facts.get("resolver") == "this machine":
        return dns_line(facts)
    answer = facts.get("fqdn") or facts["name"]
    kind = facts["kind"]
    if kind in ("service", "headless", "pod"):
        addresses = ", ".join(facts.get("addresses") or []) or "no address"
        result = f"{answer} → {addresses} ({kind})"
        observed = (facts.get("observed") or {}).get("outcome", "resolved")
        result += "" if observed == "resolved" else f" · but the lookup from the source: {observed}"
    elif kind == "externalname":
        result = f"{answer} → CNAME {facts.get('cname')}"
    elif kind == "outside":
        result = f"outside the cluster domain, asked upstream after {len(facts['queries']) - 1} search names"
    elif kind == "no-cluster-dns":
        result = f"dnsPolicy {facts['dnsPolicy']}: not asked to the cluster DNS"
    else:
        result = f"NXDOMAIN after {len(facts.get('queries') or [])} queries"
    result += " · but NOT ENFORCED: the lookups resolved although policy denies DNS" if facts.get("enforced") is False else ""
    return f"{facts['name']}: {result}"


def _service(facts: dict) -> str:
    text = f"{facts['service']} ({facts['type']}"
    text += f" {facts['clusterIP']})" if facts.get("clusterIP") and facts["clusterIP"] != "None" else ")"
    port = facts.get("port")
    if port:
        landed = sorted({str(n) for n in port["targetPorts"].values() if n}) or ["unresolved"]
        text += f" · {port['port']}/{port['protocol']} → targetPort {port['targetPort']} → {','.join(landed)}"
    ends = facts["endpoints"]
    if ends.get("source") is None:
        return text + f" · {ends.get('selectedPods', 0)} pod(s) selected (endpoints not known)"
    text += f" · endpoints {ends['ready']} ready, {ends['notReady']} not ready"
    text += f", {ends['terminating']} terminating" if ends["terminating"] else ""
    if facts.get("sessionAffinity") != "None":
        text += f" · affinity {facts['sessionAffinity']}"
    for policy in ("internalTrafficPolicy", "externalTrafficPolicy"):
        text += f" · {policy} Local" if facts.get(policy) == "Local" else ""
    return text


def _policy(facts: dict) -> str:
    if facts.get("localhost"):
        return "localhost inside one pod: NetworkPolicy does not apply"
    checks = facts.get("checks") or []
    if not checks:
        limited = facts.get("egressPolicies")
        return f"egress limited by {', '.join(limited)}" if limited else "no policy limits this traffic"
    text = "; ".join(_check(c, facts.get("sourceNode")) for c in checks)
    return text + (" · but NOT ENFORCED: the probes connected" if facts.get("enforced") is False else "")


def _check(check: dict, source_node: str | None) -> str:
    node = ""
    if check.get("node"):
        node = " (same node)" if check["node"] == source_node else f" (on {check['node']})"
    sides = [f"{d} {_side(check[d])}" for d in ("egress", "ingress") if check[d]["evaluated"]]
    return f"{'allowed' if check['allowed'] else 'DENIED'} to {check['to']}{node}: {', '.join(sides) or 'not isolated'}"


def _side(side: dict) -> str:
    if side.get("cniDefined"):
        return "CNI-defined (hostNetwork)"
    decided = next((r for r in side["rules"] if r.get("action") in ("deny", "allow")), None)
    if decided is not None:  # an admin or baseline policy decided, before or instead of NetworkPolicies
        verb = "denied" if decided["action"] == "deny" else "allowed"
        return f"{verb} by {decided['kind']} {decided['policy']} rule {decided['rule']}"
    if not side["isolated"]:
        return "not isolated"
    if not side["allowed"]:
        return f"denied (selected by {', '.join(side['policies'])}, no rule admits)"
    if not side["rules"]:  # allowed with no rule: the pod reaching itself (e.g. through its Service)
        return "allowed (the pod itself: NetworkPolicy does not apply)"
    rule = next(r for r in side["rules"] if r.get("action") != "pass")
    return f"by {rule['policy']} rule {rule['rule']}"


def _destination(facts: dict) -> str:
    if "outside" in facts:
        return f"{facts['outside']} (outside the cluster)"
    lines = []
    for pod in facts["pods"]:
        declared = f"declared by {pod['declaredBy']}" if pod.get("declaredBy") else "not declared"
        listening = {True: " · listening", False: " · NOT listening"}.get(pod.get("listening"), "")
        lines.append(f"{pod['pod']} {_pod_state(pod)} · port {pod.get('port')} {declared}{listening}")
    return ("\n" + " " * (WIDTH + 4)).join(lines) or "no pods"


SUMMARY = {"source": _source, "dns": _dns, "entry": entry_line, "service": _service, "policy": _policy,
           "destination": _destination}


def _findings(findings: list[dict], stream, style: Style) -> None:
    if not findings:
        return
    stream.write("\nfindings:\n")
    for finding in findings:
        severity = finding["severity"]
        head = style.paint(f"{severity}", SEVERITY_COLOR[severity], "bold")
        stream.write(f"  {head} {finding['code']}: {finding['message']}\n")
        for key, value in (finding.get("evidence") or {}).items():
            stream.write(f"      {key}: {_compact(value)}\n")
        if finding.get("fix"):
            stream.write(f"      {style.paint('fix:', 'bold')} {finding['fix']}\n")


def _notes(notes: list[str], stream) -> None:
    """What the walk could not read (RBAC, APIs not served): the answer may be incomplete."""
    if notes:
        stream.write("\nnotes:\n" + "".join(f"  - {note}\n" for note in notes))


def _compact(value) -> str:
    if isinstance(value, list):
        return ", ".join(_compact(v) for v in value) or "<none>"
    if isinstance(value, dict):
        return "; ".join(f"{k}={_compact(v)}" for k, v in value.items())
    return str(value)


def _probes(probes: list[dict], stream, style: Style) -> None:
    if not probes:
        return
    stream.write("\nprobes:\n")
    for probe in probes:
        outcome = probe["outcome"]
        status = "ok" if outcome in GOOD else "fail" if outcome in BAD else "unknown"
        tool = f" [{probe['tool']}]" if probe.get("tool") else ""
        stream.write(f"  {style.mark(status)} {probe['kind']:<9} {_probe_what(probe)}: {outcome}{_probe_detail(probe)}"
                     f" ({probe.get('elapsedMs', 0):.0f} ms){tool}\n")


GOOD = ("connected", "resolved", "http", "listening", "read", "answered")
BAD = ("refused", "timeout", "nxdomain", "dns-error")


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
