"""Link faults inside the fabric: netem (loss, delay), a node link MTU black hole, a broken route
between two nodes, replies dropped on their way back. All of it lives in the fabric namespace, so
a capture inside a pod sees its packets leave and not arrive, as on a real network.

Pod annotations: `netem` (netem-like `delay 200ms [20ms] loss 20%` for packets routed to the pod,
played by shaper.py since not every kernel has sch_netem),
`drop-replies` (ports whose answers from this pod are dropped after they left it: `8080,53/UDP`
or `all`). Node annotations: `netem` (packets routed into the node's pods from other nodes),
`mtu` (largest packet routed into the node's pods; ICMP "fragmentation needed" is dropped:
a path-MTU black hole), `no-route-from` (nodes whose pods cannot reach this node's pods, both ways).
"""
from .behaviour import _port
from .scenario import annotation, csv
from .shaper import DEVICE, parse

SHAPED_TABLE = 200


def shaper_rules(nodes: dict, pods: dict, objects: list[dict]) -> list[dict]:
    """The shaper daemon's rules (shaper.py): a pod's own IP first, then node podCIDRs."""
    rules = []
    for obj in sorted(objects, key=lambda o: o["kind"] != "Pod"):
        text = annotation(obj, "netem") if obj["kind"] in ("Pod", "Node") else None
        cidr = _destination(obj, nodes, pods) if text else None
        if cidr:
            rules.append({"cidr": cidr, "text": text, **parse(text)})
    return rules


def shaper_batch(rules: list[dict]) -> str:
    """`ip -batch` lines routing shaped destinations through the shaper, and its output on along main."""
    lines = [f"link set {DEVICE} up", f"rule add iif {DEVICE} lookup main pref 100",
             f"route add default dev {DEVICE} table {SHAPED_TABLE}"]
    lines += [f"rule add to {rule['cidr']} lookup {SHAPED_TABLE} pref 200" for rule in rules]
    return "\n".join(lines) + "\n"


def mtu_lines(nodes: dict, node_objects: list[dict]) -> list[str]:
    """`ip -batch` lines: the node bridge's MTU (routed packets above it need fragmentation)."""
    return [f"link set {nodes[n['metadata']['name']].bridge} mtu {int(annotation(n, 'mtu'))}"
            for n in node_objects if annotation(n, "mtu") and n["metadata"]["name"] in nodes]


def filter_rules(nodes: dict, pods: dict, objects: list[dict]) -> str:
    """iptables-restore text (fabric filter table) for drop-replies, no-route-from and the MTU black hole."""
    rules = []
    node_objects = [o for o in objects if o["kind"] == "Node" and o["metadata"]["name"] in nodes]
    if any(annotation(n, "mtu") for n in node_objects):
        rules.append("-A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP")
    for node in node_objects:
        bridge = nodes[node["metadata"]["name"]].bridge
        for other in csv(annotation(node, "no-route-from")):
            if other in nodes:
                rules += [f"-A FORWARD -i {nodes[other].bridge} -o {bridge} -j DROP",
                          f"-A FORWARD -i {bridge} -o {nodes[other].bridge} -j DROP"]
    for pod in (o for o in objects if o["kind"] == "Pod"):
        rules += _reply_drops(pod, pods)
    return "\n".join(["*filter", *rules, "COMMIT", ""]) if rules else ""


def _reply_drops(pod: dict, pods: dict) -> list[str]:
    text = annotation(pod, "drop-replies")
    net = pods.get(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
    if not text or net is None:
        return []
    ip = net.address.split("/")[0]
    if text.strip() == "all":
        return [f"-A FORWARD -s {ip}/32 -j DROP"]
    return [f"-A FORWARD -s {ip}/32 -p {p.protocol.lower()} --sport {p.number} -j DROP"
            for p in map(_port, csv(text))]


def _destination(obj: dict, nodes: dict, pods: dict) -> str | None:
    if obj["kind"] == "Node":
        node = nodes.get(obj["metadata"]["name"])
        return node.cidr if node else None
    net = pods.get(f"{obj['metadata']['namespace']}/{obj['metadata']['name']}")
    return f"{net.address.split('/')[0]}/32" if net else None
