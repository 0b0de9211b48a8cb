"""The ClusterIP's conclusions (pure; svcdebug and netpath share them).

A ClusterIP probe counts only when every ready endpoint of that port answered directly: then its
timeout means the Service path is broken (clusterip-path-broken, or hairpin-broken for a backend
reaching itself while other clients get through). A refusal through the ClusterIP proves the
translation worked, and when some endpoint fails directly that endpoint's finding says why: so the
answer does not depend on which endpoint the ClusterIP picked. NetworkPolicy denying the client some
endpoint is no path problem (for a backend: own-service-denied, context at info).
"""
from ..model.findings import Finding
from .probe_dns_verdicts import client_of
from .probe_facts import ProbeFacts

LISTED = 10


def line_of(result) -> str:
    spec = result.spec
    return f"{client_of(result)} -> {spec.target}:{spec.port}/{spec.kind.upper()}: {result.outcome}"


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
                             {"ClusterIP": [line_of(r) for r in others[:LISTED]],
                              "pods answered from": sorted({c for r in others for c in answered[id(r)]})},
                             "check kube-proxy (or the CNI's service implementation): running on the node, "
                             "its mode, its logs, and the Service rules (iptables-save | grep, ipvsadm -Ln, nft)",
                             facts.subject))
    if hairpin:
        found.append(Finding("hairpin-broken", "warning",
                             f"a backend of {facts.subject} cannot reach its own Service, other clients can",
                             {"failed": [line_of(r) for r in hairpin[:LISTED]]},
                             "enable hairpin mode (kubelet --hairpin-mode / the CNI bridge's hairpinMode)",
                             facts.subject))
    silent = [r for r in results if r.spec.kind == "udp" and r.outcome == "no-answer"
              and (r.spec.target in facts.cluster_ips or r.spec.target in facts.endpoint_pods)]
    if silent:
        found.append(Finding("udp-unverified", "info",
                             f"UDP to {facts.subject} got no reply: UDP probes are best effort (open or filtered)",
                             {"udp": [line_of(r) for r in silent[:LISTED]]}, "", facts.subject))
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
        found.append(Finding("own-service-denied", "info",
                             f"NetworkPolicy ({direction}) denies a backend of {facts.subject} some endpoints of its "
                             "own Service: its calls through the Service fail when sent there (not a hairpin problem)",
                             {"direction": direction, "probed": [line_of(r) for r, _ in pairs[:LISTED]],
                              "denied": paths[:LISTED],
                              "policies": policies},
                             "nothing to do if the backends need not call their own Service; else "
                             + _first_fix(pairs, direction, policies), facts.subject))
    return found


def _first_fix(pairs: list, direction: str, policies: list[str]) -> str:
    """The shared explainer's smallest change for the first denial (diagnose/policy_fix.py), if it gave one."""
    fix = next((c.fix for _, checks in pairs for c in checks if getattr(c, "fix", "")), "")
    return fix or f"add an {direction} rule admitting them to one of: {', '.join(policies)}"
