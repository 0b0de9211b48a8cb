"""kube-proxy in iptables mode, as iptables-restore text for the fabric and for a pod namespace.

The fabric (the nodes' network, which every pod's packets cross) holds each Service once: ClusterIP,
NodePort and LoadBalancer-IP rules in nat PREROUTING (a KUBE-SVC chain per Service port that picks a
ready endpoint with `statistic --mode random --probability 1/n`), REJECT for Services without ready
endpoints, MASQUERADE for traffic from outside and for a pod reaching itself through its Service
(hairpin, as kube-proxy does). A pod without filters has no rules at all. A pod with filters (drop
rules, enforced policies) DNATs in its own namespace what its filters must see (`pod_service_ports`):
the Services it backs (hairpin stays inside it, never a policy matter) and, when its egress is
filtered, every Service, so egress filters see the post-DNAT pod IP as on a kube-proxy node.
"""
import hashlib
from dataclasses import dataclass

from .scenario import annotation


FROM_POD = "0x4000"  # fabric packet mark: came in from a pod (not masqueraded)
HAIRPIN = "0x8000"  # fabric packet mark: a pod reaching itself through its Service (masqueraded)
VOID = "192.0.2.1"  # routed out of a veth in the fabric whose other end drops everything (outside.py)


@dataclass(frozen=True)
class ServicePort:
    ref: str  # ns/name:port-name
    cluster_ip: str | None
    port: int
    protocol: str
    node_port: int | None
    lb_ips: tuple
    endpoints: tuple  # (ip, port) of ready endpoints
    broken: bool  # sim.netdebug.io/clusterip: broken
    local: bool = False  # externalTrafficPolicy: Local
    endpoint_nodes: tuple = ()  # the node of each endpoint, in the order of `endpoints`
    health_check_ignored: bool = False  # sim.netdebug.io/lb-health-check: ignored (the LB uses every node)


def service_ports(objects: list[dict]) -> list[ServicePort]:
    slices = [o for o in objects if o["kind"] == "EndpointSlice"]
    found = []
    for service in (o for o in objects if o["kind"] == "Service"):
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName":
            continue
        cluster_ip = spec.get("clusterIP") if spec.get("clusterIP") not in (None, "", "None") else None
        lb_ips = tuple(p["ip"] for p in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
                       if p.get("ip"))
        for port in spec.get("ports") or []:
            ref = f"{service['metadata']['namespace']}/{service['metadata']['name']}:{port.get('name') or port['port']}"
            ready = _stale(service, _ready_endpoints(service, port, slices))
            found.append(ServicePort(ref, cluster_ip, port["port"], port.get("protocol", "TCP"), port.get("nodePort"),
                                     lb_ips, tuple(e[:2] for e in ready), annotation(service, "clusterip") == "broken",
                                     spec.get("externalTrafficPolicy") == "Local", tuple(e[2] for e in ready),
                                     annotation(service, "lb-health-check") == "ignored"))
    return found


def _stale(service: dict, ready: tuple) -> tuple:
    """`sim.netdebug.io/stale-endpoint: IP`: the rules still send to an old endpoint, whatever the slices say."""
    stale = annotation(service, "stale-endpoint")
    if not stale or not ready:
        return ready
    return ((stale, ready[0][1], ready[0][2]),)


def _ready_endpoints(service: dict, port: dict, slices: list[dict]) -> tuple:
    """(ip, port, nodeName) of the ready endpoints, sorted."""
    found = []
    for slice_ in slices:
        labels = slice_["metadata"].get("labels") or {}
        if slice_["metadata"].get("namespace") != service["metadata"]["namespace"] or \
                labels.get("kubernetes.io/service-name") != service["metadata"]["name"]:
            continue
        target = next((p for p in slice_.get("ports") or [] if (p.get("name") or "") == (port.get("name") or "")
                       and p.get("protocol", "TCP") == port.get("protocol", "TCP")), None)
        if target is None or target.get("port") is None:
            continue
        for endpoint in slice_.get("endpoints") or []:
            if (endpoint.get("conditions") or {}).get("ready", True) is not False:
                found += [(address, target["port"], endpoint.get("nodeName") or "") for address in endpoint["addresses"]]
    return tuple(sorted(set(found)))


def _chain(kind: str, *parts) -> str:
    return f"KUBE-{kind}-" + hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:16].upper()


def _svc_chains(ports: list[ServicePort], hairpin: bool = False) -> tuple[list[str], list[str]]:
    """Chain declarations and rules shared by pods and the fabric: KUBE-SVC-* -> KUBE-SEP-* (DNAT).
    `hairpin` marks a connection from the endpoint itself, to be masqueraded (as kube-proxy does)."""
    declared, rules = [], []
    for sp in ports:
        if not sp.endpoints:
            continue
        svc = _chain("SVC", sp.ref, sp.protocol)
        declared.append(f":{svc} - [0:0]")
        for index, (ip, port) in enumerate(sp.endpoints):
            sep = _chain("SEP", sp.ref, sp.protocol, ip, port)
            declared.append(f":{sep} - [0:0]")
            remaining = len(sp.endpoints) - index
            chance = f"-m statistic --mode random --probability {1 / remaining:.11f} " if remaining > 1 else ""
            rules.append(f'-A {svc} -m comment --comment "{sp.ref} -> {ip}:{port}" {chance}-j {sep}')
            if hairpin:
                rules.append(f"-A {sep} -s {ip}/32 -j MARK --set-xmark {HAIRPIN}/{HAIRPIN}")
            rules.append(f"-A {sep} -p {sp.protocol.lower()} -j DNAT --to-destination {ip}:{port}")
    return declared, rules


def pod_service_ports(ports: list[ServicePort], pod_ip: str | None, egress_filtered: bool) -> list[ServicePort]:
    """The Service ports a pod namespace with filters must DNAT itself (see the module docstring)."""
    if egress_filtered:
        return ports
    return [sp for sp in ports if any(ip == pod_ip for ip, _ in sp.endpoints)]


def pod_rules(ports: list[ServicePort], drops: list, policy: tuple[list, list] = ([], []), own_ip: str | None = None) -> str:
    """The pod's nat and filter tables.

    New connections on eth0 pass, in order: the pod's own drop rules (SIM-INGRESS/SIM-EGRESS), then,
    when the CNI enforces policies, the admin tier, NetworkPolicy, the baseline tier.
    `policy` = (extra chain declarations, rules for those chains). A connection to the pod's own IP
    (`own_ip`: its Service DNAT'ed back to it) is not a policy matter, as for a pod reaching itself
    directly; iptables still names eth0 as its output device, so the policy jumps exclude it.
    """
    declared, rules = _svc_chains(ports)
    nat = ["*nat", ":KUBE-SERVICES - [0:0]", *declared, "-A OUTPUT -j KUBE-SERVICES"]
    for sp in ports:
        if sp.cluster_ip and not sp.broken and sp.endpoints:
            match = f"-d {sp.cluster_ip}/32 -p {sp.protocol.lower()} --dport {sp.port}"
            nat.append(f'-A KUBE-SERVICES {match} -m comment --comment "{sp.ref} cluster IP" -j {_chain("SVC", sp.ref, sp.protocol)}')
    reject = _no_endpoint_rejects(ports, ("KUBE-SERVICES",))
    policy_chains, policy_rules = policy
    ingress = ["SIM-INGRESS", "SIM-ADMIN-IN", "SIM-POLICY-IN", "SIM-BASELINE-IN"]
    egress = ["SIM-EGRESS", "SIM-ADMIN-OUT", "SIM-POLICY-OUT", "SIM-BASELINE-OUT"]
    jumps = [f"-A INPUT -i eth0 -m conntrack --ctstate NEW -j {chain}" for chain in ingress]
    not_self = f"! -d {own_ip}/32 " if own_ip else ""
    jumps += [f"-A OUTPUT -o eth0 {'' if chain == 'SIM-EGRESS' else not_self}-m conntrack --ctstate NEW -j {chain}"
              for chain in egress]
    filt = ["*filter", ":KUBE-SERVICES - [0:0]", *[f":{chain} - [0:0]" for chain in ingress + egress], *policy_chains,
            "-A OUTPUT -j KUBE-SERVICES", *reject, *jumps, *_drop_rules(drops), *policy_rules]
    return "\n".join(nat + rules + ["COMMIT"] + filt + ["COMMIT", ""])


def _drop_rules(drops: list) -> list[str]:
    """`sim.netdebug.io/drop` rules; only new connections are matched, as a stateful CNI does."""
    lines = []
    for rule in drops:
        chain, peer_flag = ("SIM-INGRESS", "-s") if rule.direction == "ingress" else ("SIM-EGRESS", "-d")
        for peer in rule.peers or ("0.0.0.0/0",):
            for port in rule.ports or (None,):
                match = f"{peer_flag} {peer}"
                if port is not None:
                    match += f" -p {port.protocol.lower()} --dport {port.number}"
                action = rule.action
                if action == "REJECT" and port is not None and port.protocol == "TCP":
                    action += " --reject-with tcp-reset"
                lines.append(f"-A {chain} {match} -j {action}")
    return lines


def fabric_rules(ports: list[ServicePort], node_ips: dict | None = None, outside: str | None = None,
                 bridges: tuple = ()) -> str:
    """ClusterIP, NodePort and LoadBalancer-IP rules; with `outside` (the interface outside clients come in on),
    externalTrafficPolicy Local: a node forwards their NodePort traffic only to its own endpoints, and a
    node without one drops it (kube-proxy's "no local endpoints"); pod traffic may use any endpoint.
    Connections from pods (coming in on a node bridge of `bridges`) keep their source address."""
    declared, rules = _svc_chains(ports, hairpin=True)
    nat = ["*nat", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]", *declared,
           *[f"-A PREROUTING -i {bridge} -j MARK --set-xmark {FROM_POD}/{FROM_POD}" for bridge in bridges],
           "-A PREROUTING -j KUBE-SERVICES", "-A OUTPUT -j KUBE-SERVICES",
           "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
           f"-A POSTROUTING -m mark --mark {HAIRPIN}/{HAIRPIN} -j MASQUERADE",
           f"-A POSTROUTING -m mark --mark {FROM_POD}/{FROM_POD} -j RETURN",
           "-A POSTROUTING -m conntrack --ctstate DNAT -j MASQUERADE"]
    drops = _no_endpoint_rejects(ports, ("FORWARD", "OUTPUT"))
    for sp in ports:
        if not sp.endpoints:
            continue
        svc, proto = _chain("SVC", sp.ref, sp.protocol), sp.protocol.lower()
        if sp.cluster_ip and not sp.broken:
            nat.append(f"-A KUBE-SERVICES -d {sp.cluster_ip}/32 -p {proto} --dport {sp.port} -j {svc}")
        for ip in sp.lb_ips:
            if sp.local and sp.health_check_ignored and outside:
                _every_node(sp, ip, sorted(node_ips or {}), outside, nat)
            nat.append(f'-A KUBE-SERVICES -d {ip}/32 -p {proto} --dport {sp.port} -m comment --comment "{sp.ref} loadbalancer IP" -j {svc}')
        if sp.node_port and sp.local and outside:
            drops += _local_node_ports(sp, node_ips or {}, outside, nat, rules)
        if sp.node_port:
            nat.append(f'-A KUBE-NODEPORTS -p {proto} --dport {sp.node_port} -m comment --comment "{sp.ref} nodePort" -j {svc}')
    same_node = [f"-A FORWARD -i {bridge} -o {bridge} -j ACCEPT" for bridge in bridges]
    filt = ["*filter", *drops, *same_node, "COMMIT"] if drops or same_node else []
    return "\n".join(nat + rules + ["COMMIT"] + filt + [""])


def reject_routes(ports: list[ServicePort]) -> list[str]:
    """`ip -batch` lines for the fabric: a ClusterIP with a port to REJECT must be routed (into the void,
    where its other ports time out) for its packets to reach the filter table; the default is a blackhole."""
    addresses = sorted({sp.cluster_ip for sp in ports if sp.cluster_ip and not sp.broken and not sp.endpoints})
    return [f"route replace {address}/32 via {VOID}" for address in addresses]


def _no_endpoint_rejects(ports: list[ServicePort], chains: tuple) -> list[str]:
    """kube-proxy's REJECT (connection refused) for a ClusterIP whose Service port has no ready endpoint."""
    lines = []
    for sp in ports:
        if sp.cluster_ip and not sp.broken and not sp.endpoints:
            match = f"-d {sp.cluster_ip}/32 -p {sp.protocol.lower()} --dport {sp.port}"
            lines += [f'-A {chain} {match} -m comment --comment "{sp.ref} has no endpoints" '
                      f"-j REJECT --reject-with icmp-port-unreachable" for chain in chains]
    return lines


def _every_node(sp: ServicePort, ip: str, nodes: list[str], outside: str, nat: list) -> None:
    """A cloud LB that ignores the health check: outside connections go round-robin to every node, and
    with externalTrafficPolicy Local a node without a local endpoint swallows them. Those are sent into
    the void (DNAT to VOID): the connection is tracked, so its retransmitted SYNs meet the same fate,
    as with a real LB's per-flow choice."""
    match = f"-i {outside} -d {ip}/32 -p {sp.protocol.lower()} --dport {sp.port}"
    for index, node in enumerate(nodes):
        has_local = node in sp.endpoint_nodes
        target = f"-j {_chain('SVC', f'{sp.ref}@{node}', sp.protocol)}" if has_local else \
            f"-j DNAT --to-destination {VOID}"
        nat.append(f'-A KUBE-SERVICES {match} -m statistic --mode nth --every {len(nodes) - index} --packet 0 '
                   f'-m comment --comment "{sp.ref} LB to {node}" {target}')


def _local_node_ports(sp: ServicePort, node_ips: dict, outside: str, nat: list, rules: list) -> list[str]:
    """Per node: outside NodePort traffic to its local endpoints only; returns filter rules for the nodes
    without one (their traffic is not DNAT'ed, then dropped on input)."""
    proto, drops = sp.protocol.lower(), []
    for node, address in sorted(node_ips.items()):
        match = f"-i {outside} -d {address}/32 -p {proto} --dport {sp.node_port}"
        local = tuple(e for e, n in zip(sp.endpoints, sp.endpoint_nodes) if n == node)
        if not local:
            nat.append(f'-A KUBE-NODEPORTS {match} -m comment --comment "{sp.ref} has no local endpoints" -j RETURN')
            drops.append(f'-A INPUT {match} -m comment --comment "{sp.ref} has no local endpoints" -j DROP')
            continue
        local_sp = ServicePort(f"{sp.ref}@{node}", None, sp.port, sp.protocol, None, (), local, False)
        declared, chain_rules = _svc_chains([local_sp])
        nat[3:3] = declared  # declarations stay before the rules
        rules += chain_rules
        nat.append(f'-A KUBE-NODEPORTS {match} -m comment --comment "{sp.ref} local endpoints" '
                   f'-j {_chain("SVC", local_sp.ref, sp.protocol)}')
    return drops
