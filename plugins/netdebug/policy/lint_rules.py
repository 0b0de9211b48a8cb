"""The lint checks that look across policies or resolve ports: DNS egress, named ports, duplicates."""
import ipaddress
import json

from ..model.findings import Finding
from ..model import objects, selectors
from ..model.snapshot import Snapshot
from .describe import DIRECTIONS, indexed, peer_pods, policy_types

DNS_LABEL = {"k8s-app": "kube-dns"}


def peer_text(peer: dict, ns: str) -> str:
    pods = selectors.to_string(peer.get("podSelector") or {})
    pods = "all pods" if pods == "<all>" else f"pods {pods}"
    if peer.get("namespaceSelector") is None:
        return f"{pods} in namespace {ns}"
    return f"{pods} in namespaces {selectors.to_string(peer['namespaceSelector'])}"


def defines_port(pod: dict, name: str, protocol: str) -> int | None:
    for container in objects.pod_containers(pod):
        for port in container.get("ports") or []:
            if port.get("name") == name and (port.get("protocol") or "TCP") == protocol:
                return port.get("containerPort")
    return None


def rule_destinations(policy: dict, snapshot: Snapshot, pods: list[dict], direction: str, rule: dict) -> list[dict]:
    """The pods a rule's ports apply to: the selected pods (ingress) or the pods its peers match (egress)."""
    if direction == "ingress":
        return pods
    peers = rule.get("to") or []
    if not peers:
        return snapshot.of("Pod")
    return [p for peer in peers if peer and "ipBlock" not in peer for p in peer_pods(peer, objects.namespace(policy), snapshot)]


def named_ports_undefined(policy, snapshot, pods, direction, index, rule) -> list[Finding]:
    found = []
    destinations = None
    for port in rule.get("ports") or []:
        name, protocol = port.get("port"), port.get("protocol") or "TCP"
        if not isinstance(name, str):
            continue
        if destinations is None:
            destinations = rule_destinations(policy, snapshot, pods, direction, rule)
        if destinations and not any(defines_port(p, name, protocol) for p in destinations):
            ref = f"NetworkPolicy {objects.ref(policy)}"
            found.append(Finding("named-port-undefined", "warning",
                                 f"{ref} {direction} rule {index}: no {'selected' if direction == 'ingress' else 'peer'} "
                                 f"pod defines a {protocol} port named {name!r}, so this port entry matches nothing",
                                 {"direction": direction, "rule": index, "port": name, "protocol": protocol,
                                  "pods": sorted(objects.ref(p) for p in destinations)[:10]},
                                 f"name a containerPort {name!r} ({protocol}) in the pods, or use the port number", ref))
    return found


def pods_in_block(block: dict, snapshot: Snapshot) -> list[str]:
    try:
        network = ipaddress.ip_network(block.get("cidr", ""), strict=False)
        excepts = [ipaddress.ip_network(e, strict=False) for e in block.get("except") or []]
    except ValueError:
        return []  # reported as invalid-policy by the engine
    covered = []
    for ref, addresses in indexed(snapshot).pod_addresses:
        if any(a in network and not any(a in e for e in excepts if e.version == a.version) for a in addresses):
            covered.append(ref)
    return sorted(covered)


def dns_pods(snapshot: Snapshot) -> list[dict]:
    return [p for p in snapshot.of("Pod") if selectors.matches({"matchLabels": DNS_LABEL}, objects.labels(p))]


def rule_allows_dns(policy: dict, rule: dict, snapshot: Snapshot, dns: list[dict]) -> bool:
    return _ports_allow_dns(rule.get("ports") or [], dns) and _peers_reach_dns(policy, rule.get("to") or [], snapshot, dns)


def _ports_allow_dns(ports: list[dict], dns: list[dict]) -> bool:
    if not ports:
        return True
    for port in ports:
        if (port.get("protocol") or "TCP") != "UDP":
            continue
        number, end = port.get("port"), port.get("endPort")
        if number is None or number == 53 or (isinstance(number, int) and end and number <= 53 <= end):
            return True
        if isinstance(number, str) and any(defines_port(p, number, "UDP") == 53 for p in dns):
            return True
    return False


def _peers_reach_dns(policy: dict, peers: list[dict], snapshot: Snapshot, dns: list[dict]) -> bool:
    if not peers or not dns:
        return True  # no peers: everywhere; no DNS pods known: any destination may be the resolver
    targets = {objects.ref(p) for p in dns}
    for peer in peers:
        if "ipBlock" in (peer or {}):
            matched = set(pods_in_block(peer["ipBlock"] or {}, snapshot))
        else:
            matched = {objects.ref(p) for p in peer_pods(peer or {}, objects.namespace(policy), snapshot)}
        if matched & targets:
            return True
    return False


def egress_blocks_dns(snapshot: Snapshot, policies: list[dict], selected: dict[str, list[dict]]) -> list[Finding]:
    """Pods whose egress is isolated and no egress rule of any policy selecting them allows DNS."""
    dns = dns_pods(snapshot)
    dns_refs = {objects.ref(p) for p in dns}
    egress = [p for p in policies if "egress" in policy_types(p)]
    isolating: dict[str, list[dict]] = {}
    for policy in egress:
        for pod in selected[objects.ref(policy)]:
            isolating.setdefault(objects.ref(pod), []).append(policy)
    blocked: dict[tuple, list[str]] = {}
    for pod_ref, pols in sorted(isolating.items()):
        rules = [(p, r or {}) for p in pols for r in objects.spec(p).get("egress") or []]
        if pod_ref not in dns_refs and not any(rule_allows_dns(p, r, snapshot, dns) for p, r in rules):
            blocked.setdefault(tuple(objects.ref(p) for p in pols), []).append(pod_ref)
    return [_dns_finding(refs, pods) for refs, pods in blocked.items()]


def _dns_finding(policy_refs: tuple, pods: list[str]) -> Finding:
    return Finding("egress-blocks-dns", "warning",
                   f"egress of {len(pods)} pod(s) is isolated by {', '.join(policy_refs)} and no egress rule allows "
                   "DNS (UDP 53) to the cluster DNS: name lookups will time out",
                   {"policies": list(policy_refs), "pods": pods},
                   "add an egress rule to pods k8s-app=kube-dns in namespace kube-system on UDP and TCP 53",
                   f"NetworkPolicy {policy_refs[0]}")


def _normal_spec(policy: dict) -> str:
    spec = dict(objects.spec(policy))
    spec["podSelector"] = spec.get("podSelector") or {}
    spec["policyTypes"] = policy_types(policy)
    for direction in DIRECTIONS:
        spec[direction] = _normal_rules(spec, direction)
    return json.dumps(spec, sort_keys=True)


def _normal_rules(spec: dict, direction: str) -> list[str]:
    if direction not in spec.get("policyTypes", []):
        return []
    return sorted(json.dumps(r or {}, sort_keys=True) for r in spec.get(direction) or [])


def duplicates(policies: list[dict]) -> list[Finding]:
    """Same namespace, same pods and directions: identical (duplicate) or adding no rule (redundant)."""
    found = []
    for i, first in enumerate(policies):
        for second in policies[i + 1:]:
            if objects.namespace(first) == objects.namespace(second):
                found += _compare(first, second)
    return found


def _compare(first: dict, second: dict) -> list[Finding]:
    a, b = json.loads(_normal_spec(first)), json.loads(_normal_spec(second))
    if a.get("podSelector") != b.get("podSelector") or a["policyTypes"] != b["policyTypes"]:
        return []
    refs = (objects.ref(first), objects.ref(second))
    if a == b:
        return [Finding("duplicate-policy", "warning", f"NetworkPolicy {refs[1]} is identical to {refs[0]}",
                        {"policies": list(refs)}, "delete one of them", f"NetworkPolicy {refs[1]}")]
    for small, big, (small_ref, big_ref) in ((a, b, refs), (b, a, refs[::-1])):
        if all(set(small[d]) <= set(big[d]) for d in DIRECTIONS):
            return [Finding("redundant-policy", "info",
                            f"NetworkPolicy {small_ref} adds nothing: {big_ref} selects the same pods for the same "
                            "directions and already has every rule it has", {"policies": [small_ref, big_ref]},
                            f"delete {small_ref}", f"NetworkPolicy {small_ref}")]
    return []
