"""The network topology as `ip -batch` text, and the few commands that apply it.

One fabric namespace stands for the nodes' network: a bridge per Node carrying the node's
InternalIP and its podCIDR gateway; the fabric routes between bridges and blackholes everything
else. Each pod namespace holds `eth0` (the far end of a veth created in the fabric) with the pod IP
and a default route to its node's gateway. Nothing is created in the machine's own namespace.
"""
import asyncio
import ipaddress
import os
import shutil
import subprocess
from dataclasses import dataclass

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SAME_NODE_TABLE, SAME_NODE_PREF = 202, 150  # before the shaper's rules (links.py, pref 200)


class CommandError(RuntimeError):
    pass


@dataclass(frozen=True)
class NodeNet:
    bridge: str
    gateway: str  # podCIDR's first address, with prefix length
    address: str  # node InternalIP
    cidr: str


@dataclass(frozen=True)
class PodNet:
    netns: str
    veth: str
    address: str  # pod IP with prefix length
    gateway: str
    node: NodeNet


def node_net(index: int, node: dict, internal_ip: str) -> NodeNet:
    cidr = ipaddress.ip_network(node["spec"]["podCIDR"])
    return NodeNet(f"br{index}", f"{cidr[1]}/{cidr.prefixlen}", internal_ip, str(cidr))


def pod_net(netns: str, index: int, ip: str, node: NodeNet) -> PodNet:
    inside = ipaddress.ip_address(ip) in ipaddress.ip_network(node.cidr)
    length = ipaddress.ip_network(node.cidr).prefixlen if inside else 32
    return PodNet(netns, f"v{index}", f"{ip}/{length}", node.gateway.split("/")[0], node)


def fabric_batch(nodes: list[NodeNet], pods: list[PodNet], local_ips: list[str]) -> str:
    lines = ["link set lo up"]
    for node in nodes:
        lines += [f"link add {node.bridge} type bridge", f"link set {node.bridge} up",
                  f"addr add {node.gateway} dev {node.bridge}", f"addr add {node.address}/32 dev {node.bridge}"]
    for pod in pods:
        lines += [f"link add {pod.veth} type veth peer name eth0 netns {pod.netns}",
                  f"link set {pod.veth} master {pod.node.bridge} up"]
        if pod.address.endswith("/32"):
            lines.append(f"route add {pod.address} dev {pod.node.bridge}")
    lines += _same_node_lines(nodes)
    lines += [f"addr add {ip}/32 dev lo" for ip in local_ips]
    lines.append("route add blackhole default")
    return "\n".join(lines) + "\n"


def _same_node_lines(nodes: list[NodeNet]) -> list[str]:
    """Same-node traffic is routed by the fabric but stays as on a node's own bridge: looked up in its own
    table before the link faults' rules (links.py) and with the full MTU, whatever the node bridge's is."""
    lines = []
    for node in nodes:
        lines += [f"route add {node.cidr} dev {node.bridge} src {node.gateway.split('/')[0]} mtu 1500 table {SAME_NODE_TABLE}",
                  f"rule add iif {node.bridge} to {node.cidr} lookup {SAME_NODE_TABLE} pref {SAME_NODE_PREF}"]
    return lines


def pod_batch(pod: PodNet) -> str:
    """The pod IP as a /32 with everything routed through the node gateway (as Calico does): every packet,
    same-node ones too, crosses the fabric, whose conntrack undoes the Service DNAT on the replies."""
    ip = pod.address.split("/")[0]
    return "\n".join(["link set lo up", f"addr add {ip}/32 dev eth0", "link set eth0 up",
                      f"route add {pod.gateway}/32 dev eth0 scope link",
                      f"route add default via {pod.gateway} dev eth0 onlink"]) + "\n"


def binary(name: str) -> str:
    """Absolute path of a system tool, also when PATH lacks the sbin directories."""
    return shutil.which(name, path=f"{os.environ.get('PATH', '')}:{SYSTEM_PATH}") or name


def run(argv: list[str], stdin: str | None = None) -> str:
    argv = [binary(argv[0]), *argv[1:]]
    result = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{' '.join(argv)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


async def run_async(argv: list[str], stdin: str | None = None, limit: asyncio.Semaphore | None = None,
                    attempts: int = 3) -> None:
    """Run a command; retried because iptables-nft-restore rarely fails silently under load (seen in CI)."""
    for attempt in range(attempts):
        async with limit or asyncio.Semaphore(1):
            process = await asyncio.create_subprocess_exec(
                binary(argv[0]), *argv[1:], stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
            out, err = await process.communicate(stdin.encode() if stdin is not None else None)
        if process.returncode == 0:
            return
        await asyncio.sleep(0.1 * (attempt + 1))
    detail = (err or out).decode(errors="replace").strip()
    raise CommandError(f"{' '.join(argv)}: exit {process.returncode}: {detail}")


def add_namespaces(names: list[str]) -> None:
    run(["ip", "-batch", "-"], "".join(f"netns add {n}\n" for n in names))


async def configure_pod(pod: PodNet, rules: str | None, limit: asyncio.Semaphore) -> None:
    await run_async(["ip", "-n", pod.netns, "-batch", "-"], pod_batch(pod), limit)
    if rules:
        await run_async(["ip", "netns", "exec", pod.netns, binary("iptables-restore")], rules, limit)
