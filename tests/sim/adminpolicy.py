"""The admin and baseline tiers of an enforcing CNI: AdminNetworkPolicy, BaselineAdminNetworkPolicy
(policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2, `tier: Admin|Baseline`).

A connection meets the admin tier first (policies by ascending priority, rules in order; the first
matching rule decides: allow -> accepted, deny -> dropped, pass -> on to NetworkPolicy), then the
NetworkPolicy tier if a NetworkPolicy isolates the pod, else the baseline tier (allow / deny), else
it is allowed. As iptables: chains SIM-ADMIN-* before SIM-POLICY-* before SIM-BASELINE-*.
"""
import ipaddress

from netdebug.model.selectors import matches

KINDS = ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy")
VERDICT = {"Allow": "ACCEPT", "Accept": "ACCEPT", "Deny": "DROP", "Pass": "RETURN"}


def rules(pod: dict, objects: list[dict]) -> dict[str, list[str]]:
    """{chain: rules} for SIM-ADMIN-IN/OUT and SIM-BASELINE-IN/OUT of this pod."""
    chains = {}
    for tier in ("admin", "baseline"):
        for direction, suffix in (("ingress", "IN"), ("egress", "OUT")):
            chain = f"SIM-{tier.upper()}-{suffix}"
            chains[chain] = [line for policy in _tier(objects, tier) if _subject(policy, pod, objects)
                             for index, rule in enumerate(policy["spec"].get(direction) or [])
                             for line in _rule(chain, policy, index, rule, direction, pod, objects)]
    return chains


def _tier(objects: list[dict], tier: str) -> list[dict]:
    found = [o for o in objects if o["kind"] in KINDS and _tier_of(o) == tier]
    return sorted(found, key=lambda p: (int(p["spec"].get("priority", 0)), p["metadata"]["name"]))


def _tier_of(policy: dict) -> str:
    if policy["kind"] == "ClusterNetworkPolicy":
        return "admin" if policy["spec"].get("tier") == "Admin" else "baseline"
    return "baseline" if policy["kind"] == "BaselineAdminNetworkPolicy" else "admin"


def _subject(policy: dict, pod: dict, objects: list[dict]) -> bool:
    if pod["spec"].get("hostNetwork"):
        return False
    return pod["status"]["podIP"] in _selected_ips(policy["spec"].get("subject") or {}, objects)


def _selected_ips(selector: dict, objects: list[dict]) -> set[str]:
    """Pod IPs of a `namespaces` or `pods: {namespaceSelector, podSelector}` selector."""
    if "namespaces" in selector:
        namespaces, pod_selector = selector["namespaces"] or {}, {}
    else:
        pods = selector.get("pods") or {}
        namespaces, pod_selector = pods.get("namespaceSelector") or {}, pods.get("podSelector") or {}
    labels = {n["metadata"]["name"]: n["metadata"].get("labels") or {} for n in objects if n["kind"] == "Namespace"}
    return {p["status"]["podIP"] for p in objects if p["kind"] == "Pod" and (p.get("status") or {}).get("podIP")
            and not p["spec"].get("hostNetwork") and matches(namespaces, labels.get(p["metadata"]["namespace"], {}))
            and matches(pod_selector, p["metadata"].get("labels") or {})}


def _rule(chain, policy, index, rule, direction, pod, objects) -> list[str]:
    flag = "-s" if direction == "ingress" else "-d"
    note = f'-m comment --comment "{policy["kind"]} {policy["metadata"]["name"]} {direction}[{index}]"'
    lines = []
    for target in _targets(rule.get("from" if direction == "ingress" else "to") or [], objects):
        holders = [pod] if direction == "ingress" else _pods_at(objects, target)
        for match in _ports(rule, holders):
            lines.append(f"-A {chain} {flag} {target} {match}{note} -j {VERDICT[rule['action']]}")
    return lines


def _targets(peers: list[dict], objects: list[dict]) -> list[str]:
    found = []
    for peer in peers:
        if "networks" in peer:
            found += [str(ipaddress.ip_network(c, strict=False)) for c in peer["networks"]]
        elif "nodes" in peer:
            found += [f"{a['address']}/32" for n in objects if n["kind"] == "Node"
                      and matches(peer["nodes"] or {}, n["metadata"].get("labels") or {})
                      for a in n["status"].get("addresses") or [] if a.get("type") == "InternalIP"]
        else:
            found += [f"{ip}/32" for ip in sorted(_selected_ips(peer, objects))]
    return found


def _pods_at(objects: list[dict], target: str) -> list[dict]:
    network = ipaddress.ip_network(target)
    return [p for p in objects if p["kind"] == "Pod" and (p.get("status") or {}).get("podIP")
            and ipaddress.ip_address(p["status"]["podIP"]) in network]


def _ports(rule: dict, holders: list[dict]) -> list[str]:
    """`-p proto --dport N[:M] ` fragments; [""] when the rule names no ports."""
    ports = [_v1alpha1(p) for p in rule.get("ports") or []] + [_v1alpha2(p) for p in rule.get("protocols") or []]
    if not ports:
        return [""]
    found = []
    for protocol, low, high, name in ports:
        if name:
            found += [f"-p {proto.lower()} --dport {number} " for proto, number in sorted(_named(holders, name))]
        else:
            found.append(f"-p {protocol.lower()} --dport {low}{f':{high}' if high != low else ''} ")
    return found


def _v1alpha1(port: dict) -> tuple:
    if "namedPort" in port:
        return None, None, None, port["namedPort"]
    if "portRange" in port:
        span = port["portRange"]
        return span.get("protocol", "TCP"), span["start"], span["end"], None
    number = port["portNumber"]
    return number.get("protocol", "TCP"), number["port"], number["port"], None


def _v1alpha2(protocol: dict) -> tuple:
    if "destinationNamedPort" in protocol:
        return None, None, None, protocol["destinationNamedPort"]
    name = next(k for k in ("tcp", "udp", "sctp") if k in protocol)
    port = (protocol[name] or {}).get("destinationPort") or {}
    span = port.get("range") or {"start": port.get("number", 1), "end": port.get("number", 65535)}
    return name.upper(), span["start"], span["end"], None


def _named(pods: list[dict], name: str) -> set[tuple[str, int]]:
    return {(port.get("protocol") or "TCP", port["containerPort"]) for pod in pods
            for c in pod["spec"].get("containers") or [] for port in c.get("ports") or [] if port.get("name") == name}
