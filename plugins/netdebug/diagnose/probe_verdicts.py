"""What an expert concludes from connect probes plus static facts (pure; svcdebug and netpath share it).

Evidence is read per port and per endpoint, never pooled across them:
- refused on a pod IP -> not-listening (per target port; what the pod does listen on names the cause:
  another port, or only loopback -> listening-loopback-only);
- timeout on a pod IP while policy allows (or is unknown) -> dropped-unexplained; policy denies yet it
  connects -> policy-not-enforced;
- a ClusterIP probe counts only when every probed endpoint of that port answered directly: then its
  timeout means the Service path is broken (clusterip-path-broken, or hairpin-broken for a backend
  reaching itself). A refusal through the ClusterIP proves the translation worked, and when some
  endpoint fails directly that endpoint's finding says why: so the answer does not depend on which
  endpoint the ClusterIP picked. NetworkPolicy denying the client some endpoint is no path problem.
"""
from ..model.findings import Finding
from .probe_dns_verdicts import client_of, dns_verdicts, tool_verdicts
from .probe_facts import ProbeFacts

LISTED = 10
LOOPBACK = ("127.0.0.1", "::1")

__all__ = ["ProbeFacts", "conclude", "client_of"]


def conclude(results: list, facts: ProbeFacts) -> list[Finding]:
    return (endpoint_verdicts(results, facts) + clusterip_verdicts(results, facts) + dns_verdicts(results, facts)
            + tool_verdicts(results))


def _line(result) -> str:
    spec = result.spec
    return f"{client_of(result)} -> {spec.target}:{spec.port}/{spec.kind.upper()}: {result.outcome}"


def direct_probes(results: list, facts: ProbeFacts) -> list:
    return [r for r in results if r.spec.kind in ("tcp", "udp") and r.spec.target in facts.endpoint_pods]


def endpoint_verdicts(results: list, facts: ProbeFacts) -> list[Finding]:
    direct = direct_probes(results, facts)
    found = [_not_listening(port, probes, facts) for port, probes in _by_port(direct).items()
             if any(r.outcome == "refused" for r in probes)]  # for UDP: an ICMP port-unreachable came back
    tcp = [r for r in direct if r.spec.kind == "tcp"]  # UDP silence proves nothing
    dropped = [r for r in tcp if r.outcome == "timeout" and facts.allowed(client_of(r), r.spec.target, r.spec.port)
               is not False]
    unenforced = [r for r in tcp if r.reached and facts.allowed(client_of(r), r.spec.target, r.spec.port) is False]
    if dropped:
        found.append(_dropped(dropped, facts))
    if unenforced:
        found.append(Finding("policy-not-enforced", "warning",
                             f"NetworkPolicy denies {len(unenforced)} connection(s) to {facts.subject}'s pods, "
                             "yet they connected: the network plugin does not enforce NetworkPolicy",
                             {"connected although denied": [_line(r) for r in unenforced[:LISTED]]},
                             "use a CNI that enforces NetworkPolicy (Calico, Cilium, ...) or enable its policy "
                             "support; until then policies are documentation only", facts.subject))
    return found


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
                "refused": [f"{_line(r)} (pod {facts.endpoint_pods[r.spec.target]})" for r in refused[:LISTED]]}
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


def _dropped(dropped: list, facts: ProbeFacts) -> Finding:
    unknown = [r for r in dropped if facts.allowed(client_of(r), r.spec.target, r.spec.port) is None]
    note = " (policy unknown for some: not readable)" if unknown else ""
    return Finding("dropped-unexplained", "error",
                   f"{len(dropped)} connection(s) to {facts.subject}'s pods time out although NetworkPolicy "
                   f"allows them{note}",
                   {"timed out": [_line(r) for r in dropped[:LISTED]]},
                   "something below NetworkPolicy drops the packets: check the CNI, node firewalls, security "
                   "groups and the pod's own firewall", facts.subject)


def clusterip_verdicts(results: list, facts: ProbeFacts) -> list[Finding]:
    via_ip = [r for r in results if r.spec.target in facts.cluster_ips and r.spec.kind in ("tcp", "udp")]
    timeouts = [r for r in via_ip if r.spec.kind == "tcp" and r.outcome == "timeout"]  # refused: translation worked
    denied = [r for r in timeouts if _denials(r, facts)]
    answered = {id(r): _answered_directly(r, results, facts) for r in timeouts}
    broken = [r for r in timeouts if r not in denied and answered[id(r)]]
    worked = {(client_of(r), r.spec.port) for r in via_ip if r.reached and client_of(r) not in facts.backends}
    hairpin = [r for r in broken if client_of(r) in facts.backends and any(p == r.spec.port for _, p in worked)]
    others = [r for r in broken if r not in hairpin]
    # what policy denies a backend through its own Service holds whichever endpoint this probe was sent to
    found = _policy_explains_hairpin([r for r in via_ip if r.spec.kind == "tcp" and client_of(r) in facts.backends
                                      and _denials(r, facts)], facts)
    if others:
        found.append(Finding("clusterip-path-broken", "error",
                             f"the pods of {facts.subject} answer directly, but its ClusterIP does not",
                             {"ClusterIP": [_line(r) for r in others[:LISTED]],
                              "pods answered from": sorted({c for r in others for c in answered[id(r)]})},
                             "check kube-proxy (or the CNI's service implementation): running on the node, "
                             "its mode, its logs, and the Service rules (iptables-save | grep, ipvsadm -Ln, nft)",
                             facts.subject))
    if hairpin:
        found.append(Finding("hairpin-broken", "warning",
                             f"a backend of {facts.subject} cannot reach its own Service, other clients can",
                             {"failed": [_line(r) for r in hairpin[:LISTED]]},
                             "enable hairpin mode (kubelet --hairpin-mode / the CNI bridge's hairpinMode)",
                             facts.subject))
    silent = [r for r in results if r.spec.kind == "udp" and r.outcome == "no-answer"
              and (r.spec.target in facts.cluster_ips or r.spec.target in facts.endpoint_pods)]
    if silent:
        found.append(Finding("udp-unverified", "info",
                             f"UDP to {facts.subject} got no reply: UDP probes are best effort (open or filtered)",
                             {"udp": [_line(r) for r in silent[:LISTED]]}, "", facts.subject))
    return found


def _answered_directly(via_ip, results: list, facts: ProbeFacts) -> list[str]:
    """The clients every ready endpoint of this Service port answered directly (empty: some endpoint
    failed or could not be probed; then the endpoint's own finding, not the ClusterIP, explains it)."""
    ports = {ip: port for ip, port in facts.endpoint_ports(via_ip.spec.port, via_ip.spec.kind.upper()).items()
             if ip in facts.ready_ips}
    direct = [r for r in results if r.spec.kind == via_ip.spec.kind and r.spec.target in ports
              and ports[r.spec.target] in (None, r.spec.port) and (r.reached or r.failed)]
    if not ports or {r.spec.target for r in direct} != set(ports) or not all(r.reached for r in direct):
        return []  # an endpoint failed or was not proven: the ClusterIP may have sent the probe there
    return sorted({client_of(r) for r in direct})


def _denials(result, facts: ProbeFacts) -> list:
    """The engine's denials on the paths a ClusterIP probe may take (empty: all allowed, or unknown)."""
    return [c for c in facts.clusterip_policy.get((client_of(result), result.spec.port), ()) if not c.allowed]


def _policy_explains_hairpin(denied: list, facts: ProbeFacts) -> list[Finding]:
    """A backend that cannot reach its own Service because NetworkPolicy denies it (some of) the endpoints."""
    found = []
    for direction in ("egress", "ingress"):
        pairs = [(r, [c for c in _denials(r, facts) if c.denied_by == direction]) for r in denied]
        pairs = [(r, checks) for r, checks in pairs if checks]
        if not pairs:
            continue
        policies = sorted({p for _, checks in pairs for c in checks for p in c.policies})
        paths = [f"{client_of(r)} -> {c.backend}:{c.port}/{c.protocol}" for r, checks in pairs for c in checks]
        found.append(Finding(f"policy-blocks-{direction}", "info",
                             f"NetworkPolicy ({direction}) denies a backend of {facts.subject} some endpoints of its "
                             "own Service: its calls through the Service fail when sent there (not a hairpin problem)",
                             {"probed": [_line(r) for r, _ in pairs[:LISTED]], "denied": paths[:LISTED],
                              "policies": policies},
                             f"nothing to do if the backends need not call their own Service; else add an "
                             f"{direction} rule admitting them to one of: {', '.join(policies)}", facts.subject))
    return found
