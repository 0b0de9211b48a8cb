"""One line per netpath hop: what each hop's facts say, in words."""
from .external_text import dns_line, entry_line

WIDTH = 12  # the hop-name column; a destination's further pods line up under its first


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
