"""A CNI that enforces NetworkPolicy (opt-in per scenario): policies as iptables rules per pod.

Deliberately independent of netdebug's own policy engine, so tests can compare the engine's verdicts
with what real packets do. Semantics of networking.k8s.io/v1: a pod is isolated for a direction when
a policy in its namespace selects it with that policyType; then only connections some rule admits
pass (peers: podSelector / namespaceSelector / both / ipBlock with except; ports: number, name,
range with endPort; no peers or no ports = all). Only new connections are checked, so replies pass.
One approximation: a named port in an egress rule whose peer is an ipBlock (or absent) matches the
numbers any pod in that range gives the name, not only the destination pod's own.
"""
import hashlib
import ipaddress

from netdebug.model.selectors import matches

IN_CHAIN, OUT_CHAIN = "SIM-POLICY-IN", "SIM-POLICY-OUT"


def rules(pod: dict, objects: list[dict]) -> tuple[list[str], list[str]]:
    """(chain declarations, rules) for the pod's SIM-POLICY-IN / SIM-POLICY-OUT chains."""
    declared, lines = [], []
    for direction, chain in (("Ingress", IN_CHAIN), ("Egress", OUT_CHAIN)):
        selecting = [p for p in _policies(objects, pod) if direction in _types(p)]
        if not selecting:
            continue
        for policy in selecting:
            for index, rule in enumerate((policy.get("spec") or {}).get(direction.lower()) or []):
                extra, found = _rule(pod, objects, policy, rule, direction, chain, index)
                declared += extra
                lines += found
        lines.append(f'-A {chain} -m comment --comment "isolated for {direction.lower()}" -j DROP')
    return declared, lines


def _policies(objects: list[dict], pod: dict) -> list[dict]:
    namespace, labels = pod["metadata"]["namespace"], pod["metadata"].get("labels") or {}
    return [p for p in objects if p["kind"] == "NetworkPolicy" and p["metadata"].get("namespace") == namespace
            and matches((p.get("spec") or {}).get("podSelector") or {}, labels)]


def _types(policy: dict) -> list[str]:
    spec = policy.get("spec") or {}
    return spec.get("policyTypes") or (["Ingress"] + (["Egress"] if "egress" in spec else []))


def _rule(pod, objects, policy, rule, direction, chain, index) -> tuple[list[str], list[str]]:
    ref = f"{policy['metadata']['namespace']}/{policy['metadata']['name']} {direction.lower()}[{index}]"
    flag = "-s" if direction == "Ingress" else "-d"
    peers = rule.get("from" if direction == "Ingress" else "to") or [None]
    declared, lines = [], []
    for peer in peers:
        for target, exceptions in _peer_targets(peer, policy, objects):
            sub = None
            if exceptions:
                sub = "SIM-NP-" + hashlib.sha256(f"{ref}/{target}".encode()).hexdigest()[:16].upper()
                declared.append(f":{sub} - [0:0]")
                lines += [f"-A {sub} {flag} {e} -j RETURN" for e in exceptions] + [f"-A {sub} -j ACCEPT"]
            for match in _port_matches(rule, pod, objects, target, direction):
                where = f"{flag} {target} " if target else ""
                lines.append(f'-A {chain} {where}{match}-m comment --comment "{ref}" -j {sub or "ACCEPT"}')
    return declared, lines


def _peer_targets(peer: dict | None, policy: dict, objects: list[dict]) -> list[tuple[str | None, list[str]]]:
    """(address or CIDR, except CIDRs) the peer stands for; None address = anyone."""
    if peer is None:
        return [(None, [])]
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        return [(str(ipaddress.ip_network(block["cidr"], strict=False)), list(block.get("except") or []))]
    return [(f"{ip}/32", []) for ip in _peer_pod_ips(peer, policy, objects)]


def _peer_pod_ips(peer: dict, policy: dict, objects: list[dict]) -> list[str]:
    if "namespaceSelector" in peer:
        namespaces = {n["metadata"]["name"] for n in objects if n["kind"] == "Namespace"
                      and matches(peer["namespaceSelector"] or {}, n["metadata"].get("labels") or {})}
    else:
        namespaces = {policy["metadata"]["namespace"]}
    selector = peer.get("podSelector") or {}
    return sorted({p["status"]["podIP"] for p in _pods(objects) if p["metadata"]["namespace"] in namespaces
                   and matches(selector, p["metadata"].get("labels") or {})})


def _pods(objects: list[dict]) -> list[dict]:
    return [p for p in objects if p["kind"] == "Pod" and (p.get("status") or {}).get("podIP")
            and not p["spec"].get("hostNetwork")]


def _port_matches(rule: dict, pod: dict, objects: list[dict], target: str | None, direction: str) -> list[str]:
    """`-p proto --dport N[:M] ` fragments (one empty string when the rule has no ports)."""
    ports = rule.get("ports") or []
    if not ports:
        return [""]
    found = []
    for port in ports:
        protocol = (port.get("protocol") or "TCP").lower()
        number = port.get("port")
        if number is None:
            found.append(f"-p {protocol} ")
        elif isinstance(number, int) or str(number).isdigit():
            end = f":{port['endPort']}" if port.get("endPort") else ""
            found.append(f"-p {protocol} --dport {number}{end} ")
        else:
            holders = [pod] if direction == "Ingress" else _pods_at(objects, target)
            found += [f"-p {protocol} --dport {n} " for n in sorted(_named(holders, number, port.get("protocol") or "TCP"))]
    return found


def _pods_at(objects: list[dict], target: str | None) -> list[dict]:
    if target is None:
        return _pods(objects)
    network = ipaddress.ip_network(target)
    return [p for p in _pods(objects) if ipaddress.ip_address(p["status"]["podIP"]) in network]


def _named(pods: list[dict], name: str, protocol: str) -> set[int]:
    return {port["containerPort"] for pod in pods for c in pod["spec"].get("containers") or []
            for port in c.get("ports") or [] if port.get("name") == name and (port.get("protocol") or "TCP") == protocol}
