"""What an expert concludes from connect probes to the endpoints (pure; svcdebug and netpath share it).

Evidence is read per port and per endpoint, never pooled across them:
- refused on a pod IP -> not-listening (per target port; what the pod does listen on names the cause:
  another port, or only loopback -> listening-loopback-only; an odd endpoint among serving ones is named);
- timeout on a pod IP while policy allows (or is unknown) -> dropped-unexplained; policy denies yet it
  connects -> policy-not-enforced.
The ClusterIP's conclusions are in probe_clusterip.py, DNS and tools in probe_dns_verdicts.py.
"""
from ..model.findings import Finding
from .probe_clusterip import clusterip_verdicts, line_of
from .probe_dns_verdicts import client_of, dns_verdicts, tool_verdicts
from .probe_facts import ProbeFacts

LISTED = 10
LOOPBACK = ("127.0.0.1", "::1")
ENFORCE_FIX = ("use a CNI that enforces NetworkPolicy (Calico, Cilium, ...) or enable its policy support; "
               "until then policies are documentation only")

__all__ = ["ProbeFacts", "conclude", "client_of"]


def conclude(results: list, facts: ProbeFacts) -> list[Finding]:
    return (endpoint_verdicts(results, facts) + clusterip_verdicts(results, facts) + dns_verdicts(results, facts)
            + tool_verdicts(results))


def direct_probes(results: list, facts: ProbeFacts) -> list:
    return [r for r in results if r.spec.kind in ("tcp", "udp") and r.spec.target in facts.endpoint_pods]


def endpoint_verdicts(results: list, facts: ProbeFacts) -> list[Finding]:
    direct = direct_probes(results, facts)
    found = [_not_listening(port, probes, facts) for port, probes in _by_port(direct).items()
             if any(r.outcome == "refused" for r in probes)]  # for UDP: an ICMP port-unreachable came back
    tcp = [r for r in direct if r.spec.kind == "tcp"]  # UDP silence proves nothing
    for port, probes in _by_port(tcp).items():
        dropped = [r for r in probes if r.outcome == "timeout"
                   and facts.allowed(client_of(r), r.spec.target, r.spec.port) is not False]
        if dropped:
            found.append(_dropped(port[0], dropped, probes, facts))
    unenforced = [r for r in tcp if r.reached and facts.allowed(client_of(r), r.spec.target, r.spec.port) is False]
    if unenforced:
        found.append(not_enforced(f"NetworkPolicy denies {len(unenforced)} connection(s) to the pods of {facts.subject}, "
                                  "yet they connected: the network plugin does not enforce NetworkPolicy",
                                  {"connected although denied": [line_of(r) for r in unenforced[:LISTED]]},
                                  facts.subject))
    return found


def not_enforced(message: str, observed: dict, subject: str, declared: Finding | None = None,
                 fix: str = ENFORCE_FIX) -> Finding:
    """policy-not-enforced: policy denies, the probes got through (`observed`); the declared denial and
    the fix that admits it once policy is enforced are its evidence."""
    evidence = {"declared": declared.message, **observed} if declared is not None else dict(observed)
    if declared is not None and declared.fix:
        evidence["to allow it once policy is enforced"] = declared.fix
    return Finding("policy-not-enforced", "warning", message, evidence, fix, subject)


def _by_port(probes: list) -> dict:
    found: dict = {}
    for r in probes:
        found.setdefault((r.spec.port, r.spec.kind.upper()), []).append(r)
    return found


def _not_listening(port: tuple, probes: list, facts: ProbeFacts) -> Finding:
    number, protocol = port
    refused = [r for r in probes if r.outcome == "refused"]
    pods = sorted({facts.endpoint_pods[r.spec.target] for r in refused})
    probed = {r.spec.target for r in probes if r.outcome not in ("no-tool", "exec-failed")}
    port_key = "targetPort" if facts.subject.startswith("Service ") else "port"  # pod -> pod: no Service, no targetPort
    evidence = {port_key: number, "protocol": protocol,
                "refused": [f"{line_of(r)} (pod {facts.endpoint_pods[r.spec.target]})" for r in refused[:LISTED]]}
    sockets = {pod: [s for s in facts.listening[pod] if s.get("protocol", "TCP") == protocol]
               for pod in pods if pod in facts.listening}
    if sockets:
        evidence["the container listens on"] = {pod: [f"{s['address']}:{s['port']}/{s['protocol']}" for s in found]
                                                or ["nothing"] for pod, found in sockets.items()}
    where = f"{len({r.spec.target for r in refused})} of {len(probed)} endpoint(s) of {facts.subject}"
    loopback = _loopback_only(number, sockets)
    if loopback:
        return Finding("listening-loopback-only", "error",
                       f"{where} listen on port {number}/{protocol} only on loopback ({', '.join(loopback)}): "
                       "other pods cannot connect", evidence,
                       f"make the app bind 0.0.0.0:{number} (or the pod IP), not {loopback[0]}",
                       facts.subject)
    others = [p for p in _other_ports(number, sockets) if p not in _served_ports(facts, pods)]
    if any(r.reached for r in probes):  # the other endpoints serve the port: these pods are the odd ones
        message, fix = _odd_pods(number, pods, others)
    else:
        message, fix = _listener_wording(number, protocol, others, facts.subject.startswith("Service "))
    return Finding("not-listening", "error", f"{where} refuse {number}/{protocol}: {message}", evidence, fix,
                   facts.subject)


def _odd_pods(number: int, pods: list[str], others: list[int]) -> tuple[str, str]:
    listens = f" (they listen on {', '.join(str(p) for p in others)})" if others else ""
    return (f"{', '.join(pods[:3])}{' ...' if len(pods) > 3 else ''} do not serve it{listens}, the other endpoints do",
            f"make those pods listen on {number}, or change the Service's selector so that it does not pick them: "
            "they get their share of the Service's connections and refuse them")


def _loopback_only(number: int, sockets: dict) -> list[str]:
    """Loopback addresses bound to the refused port, when no pod listens on it elsewhere."""
    bound = [s for found in sockets.values() for s in found if s.get("port") == number]
    if bound and all(s.get("address") in LOOPBACK for s in bound):
        return sorted({f"{s['address']}:{number}" for s in bound})
    return []


def _served_ports(facts: ProbeFacts, pods: list[str]) -> set:
    """The ports these pods serve the Service's other ports on: not a candidate for this one."""
    return {port for mapping in facts.target_ports.values() for ip, port in mapping.items()
            if facts.endpoint_pods.get(ip) in pods}


def _other_ports(number: int, sockets: dict) -> list[int]:
    return sorted({s["port"] for found in sockets.values() for s in found
                   if s.get("port") != number and s.get("address") not in LOOPBACK})


def _listener_wording(number: int, protocol: str, others: list[int], via_service: bool) -> tuple[str, str]:
    if others and via_service:
        listens = ", ".join(str(p) for p in others)
        return (f"targetPort {number}, but the app listens on {listens}",
                f"set the Service's targetPort to {others[0]} (or a named port declared by the container), or make "
                f"the app listen on {number}")
    if others:
        return (f"nothing listens on {number}; the app listens on {', '.join(str(p) for p in others)}",
                f"connect to port {others[0]}, or make the app listen on {number}")
    if via_service:
        return ("nothing listens there", "make the app listen on the targetPort (and on 0.0.0.0, not 127.0.0.1), "
                "or change targetPort to the port it does listen on")
    return "nothing listens there", f"start the app, or make it listen on {number} (and on 0.0.0.0)"


def _dropped(number: int, dropped: list, probes: list, facts: ProbeFacts) -> Finding:
    """Timeouts on one port where NetworkPolicy allows the connection (or cannot be read)."""
    unknown = [r for r in dropped if facts.allowed(client_of(r), r.spec.target, r.spec.port) is None]
    note = " (policy unknown for some: not readable)" if unknown else ""
    ran = {r.spec.target for r in probes if r.reached or r.failed}
    return Finding("dropped-unexplained", "error",
                   f"{len({r.spec.target for r in dropped})} of {len(ran)} endpoint(s) of {facts.subject} time out "
                   f"on {number}/TCP although NetworkPolicy allows it{note}",
                   {"timed out": [line_of(r) for r in dropped[:LISTED]]},
                   "something below NetworkPolicy drops the packets: check the CNI, node firewalls, security "
                   "groups and the pod's own firewall", facts.subject)
