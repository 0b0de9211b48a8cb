"""Text for `netpolicy check`, `who-can-reach` and `reachable-from`, written from their JSON reports."""
from .style import Style

_NOUN = {"ingress": "ingress", "egress": "egress "}


def rule_text(ref: dict, with_port: bool = True) -> str:
    """"ns/p ingress rule 0 (peer 1, port 0)"; without a port asked, the port entry is not named."""
    peer = "any peer" if ref["peer"] is None else f"peer {ref['peer']}"
    port = "any port" if ref["port"] is None else f"port {ref['port']}"
    kind = "" if ref["kind"] == "NetworkPolicy" else f"{ref['kind']} "
    return f"{kind}{ref['policy']} {ref['direction']} rule {ref['rule']} ({peer}{', ' + port if with_port else ''})"


def traffic_text(report: dict) -> str:
    if report.get("port") is None:
        return f"connections: {report['connections']}"
    name = f" (port {report['portName']})" if report.get("portName") else ""
    return f"{report['protocol']} {report['port']}{name}"


def write_check(report: dict, stream, style: Style, wide: bool = False) -> None:
    verdict = "ALLOWED" if report["allowed"] else "DENIED"
    mark = style.mark("ok" if report["allowed"] else "fail")
    colour = "green" if report["allowed"] else "red"
    stream.write(f"{mark} {style.paint(verdict, colour, 'bold')}: {report['from']['ref']} -> {report['to']['ref']}"
                 f"  {traffic_text(report)}\n")
    for end in ("from", "to"):
        stream.write(_workload_line(end, report[end]))
    for direction, end in (("egress", "from"), ("ingress", "to")):
        for line in side_lines(report[direction], report[end]["ref"], report.get("port") is not None, wide):
            stream.write(line + "\n")
    for note in report.get("notes") or []:
        stream.write(f"note: {note}\n")


def _workload_line(end: str, target: dict) -> str:
    if not target.get("workload") or len(target["pods"]) < 2:
        return ""
    return f"  ({end} {target['workload']}: checked pod {target['ref']}, 1 of {len(target['pods'])})\n"


def side_lines(side: dict, ref: str, with_port: bool, wide: bool) -> list[str]:
    head = f"  {_NOUN[side['direction']]} {ref}:"
    pad = " " * 4
    if not side["evaluated"]:
        return [f"{head} not a pod, not evaluated"]
    if side["loopback"]:
        return [f"{head} a pod can always reach itself"]
    if side["cniDefined"] and not side["isolated"]:
        return [f"{head} hostNetwork pod: behaviour is CNI-defined (evaluated as not isolated)"]
    if side.get("tier") in ("admin", "baseline", "default"):
        return [f"{head} {_tier_decision(side)}"]
    lines = _admin_lines(side, pad) if "tier" in side and side["tier"] is None else []
    if not side["isolated"]:
        return lines + [f"{head} not isolated (no NetworkPolicy selects it for {side['direction']}): all allowed"
                        if not lines else f"{head} not isolated by NetworkPolicies; admits: {side['connections']}"]
    lines = [f"{head} isolated by {', '.join(side['policies'])}", *lines]
    if wide or not with_port:
        lines.append(f"{pad}admits: {side['connections']}")
    lines += [f"{pad}passed on to NetworkPolicies by {rule_text(ref, with_port)}" for ref in side["rules"]
              if ref.get("action") == "pass"]
    lines += [f"{pad}allowed by {rule_text(ref, with_port)}" for ref in side["rules"] if "action" not in ref]
    if not side["allowed"]:
        lines.append(f"{pad}no rule admits {'this traffic' if with_port else 'anything'}" if not side.get("adminDecisions")
                     else f"{pad}nothing is allowed")
    return lines


def _tier_decision(side: dict) -> str:
    passes = "".join(f" (passed on by {rule_text(r)})" for r in side["rules"] if r.get("action") == "pass")
    if side["tier"] == "default":
        return "no policy of any tier decides: allowed by default" + passes
    verb = "allowed" if side["allowed"] else "denied"
    return f"{verb} by the {side['tier']} tier: {rule_text(side['rules'][-1])}{passes}"


def _admin_lines(side: dict, pad: str) -> list[str]:
    """Without a port: what each admin or baseline rule decided for which connections."""
    return [f"{pad}{d['tier']} tier: {d['rule']['action']} {d['connections']} by {rule_text(d['rule'], False)}"
            for d in side.get("adminDecisions") or []]


def write_reach(report: dict, stream, style: Style, wide: bool = False) -> None:
    """who-can-reach (direction ingress) or reachable-from (egress)."""
    peers = report["peers"]
    allowed = [p for p in peers if p["allowed"]]
    what = f"{report['protocol']} {report['port']}" if report["port"] is not None else "connections"
    verb = "accepts" if report["direction"] == "ingress" else ("may send" if report["port"] is not None else "may open")
    preposition = "from" if report["direction"] == "ingress" else "to"
    stream.write(f"{report['pod']} {verb} {what} {preposition} {len(allowed)} of {len(peers)} pods"
                 f" ({_isolation(report)})\n")
    shown = peers if wide else allowed
    if shown:
        width = max(len(p["pod"]) for p in shown) + 2
        stream.write(style.paint(f"{'POD'.ljust(width)}CONNECTIONS", "bold") + "\n")
        for peer in shown:
            stream.write(f"{peer['pod'].ljust(width)}{peer['connections']}\n")
    stream.write(f"outside the cluster: {external_text(report['external'])}\n")
    for note in report.get("notes") or []:
        stream.write(f"note: {note}\n")


def _isolation(report: dict) -> str:
    if not report["isolated"]:
        return f"{report['direction']} not isolated"
    return f"{report['direction']} isolated by {', '.join(report['policies'])}"


def external_text(external) -> str:
    if external == "all":
        return "every address, all connections (not isolated)"
    if not external:
        return "none"
    return "; ".join(_admission(a) for a in external)


def _admission(admission: dict) -> str:
    where = "every address" if admission["cidr"] == "any" else admission["cidr"]
    if admission["except"]:
        where += f" except {', '.join(admission['except'])}"
    return f"{where}: {admission['connections']} ({rule_text(admission['rule'], False)})"
