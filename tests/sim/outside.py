"""The outside: a network namespace standing for the user's machine and the internet beyond the cluster.

`nds-<run>_outside` is joined to the fabric by a veth (198.51.100.2 here, 198.51.100.1 on the fabric)
with a default route into it, so node addresses and LoadBalancer IPs are reached the way a client
on the internet reaches them: through the fabric's NodePort/LoadBalancer rules. Its own dnsmasq on
127.0.0.1 holds the external zone (what ExternalDNS would publish: `external-dns.alpha.kubernetes.io/
hostname` on Services and Ingresses, and Ingress rule hosts) behind this machine's resolver (its
cache, then the zone's authoritative server ns1.<zone> at 198.51.100.53), and a relay (`relay.py`) makes the
API server answer on the kubeconfig's 127.0.0.1 port inside it, so `ip netns exec <outside>
kubectl-netpath external ...` works unchanged.

Faults (annotations): `sim.netdebug.io/lb-route: none` on a LoadBalancer Service (its address is not
routed from outside: packets vanish), `sim.netdebug.io/firewall: nodeports` (or ports `30080,30443`) on
a Node (a cloud firewall drops those ports to that node from outside), `sim.netdebug.io/external-dns:
missing` (no record) or `203.0.113.99` (a stale record pointing there) on a Service or Ingress,
`sim.netdebug.io/external-dns-cache: 203.0.113.77` (this machine's resolver still answers that).
"""
import ipaddress

from .scenario import annotation, csv
from .kubeproxy import VOID
from .services import NODE_PORTS, SERVICE_CIDR

ADDRESS, GATEWAY, PREFIX_LENGTH = "198.51.100.2", "198.51.100.1", 24
AUTHORITY = "198.51.100.53"  # the zone's authoritative name server (ns1.<zone>), on the outside's loopback
VETH = "out0"
DNS_HOSTNAME = "external-dns.alpha.kubernetes.io/hostname"
DNS_TARGET = "external-dns.alpha.kubernetes.io/target"


def fabric_lines(outside_netns: str) -> list[str]:
    """`ip -batch` lines run in the fabric: the veth to the outside and its address, and the void (a veth
    pair: what kubeproxy sends out of void0 is tracked, then dropped where it comes back in on void1)."""
    return [f"link add {VETH} type veth peer name eth0 netns {outside_netns}",
            f"addr add {GATEWAY}/{PREFIX_LENGTH} dev {VETH}", f"link set {VETH} up",
            "link add void0 type veth peer name void1", "addr add 192.0.2.2/32 dev void0", "link set void0 up",
            "link set void1 up", f"route add {VOID}/32 dev void0"]


def outside_batch() -> str:
    return "\n".join(["link set lo up", f"addr add {AUTHORITY}/32 dev lo",
                      f"addr add {ADDRESS}/{PREFIX_LENGTH} dev eth0", "link set eth0 up",
                      f"route add default via {GATEWAY} dev eth0"]) + "\n"


def firewall_rules(objects: list[dict]) -> str:
    """raw PREROUTING rules in the fabric for packets arriving from the outside (before any DNAT).

    The internet routes no cluster-internal range: ClusterIPs and pod IPs are unreachable from outside."""
    internal = [str(SERVICE_CIDR)] + [(n.get("spec") or {}).get("podCIDR") for n in _of(objects, "Node")]
    rules = [f"-A PREROUTING -i {VETH} -d {cidr} -m comment --comment \"cluster-internal\" -j DROP"
             for cidr in internal if cidr] + ['-A PREROUTING -i void1 -m comment --comment "the void" -j DROP']
    for service in _of(objects, "Service"):
        if annotation(service, "lb-route") == "none":
            rules += [f"-A PREROUTING -i {VETH} -d {ip}/32 -m comment --comment \"{_ref(service)} LB address "
                      "not routed\" -j DROP" for ip in _lb_ips(service)]
    for node in _of(objects, "Node"):
        ports = _firewalled_ports(annotation(node, "firewall"))
        for address in _node_addresses(node):
            rules += [f"-A PREROUTING -i {VETH} -d {address}/32 -p {proto} {ports} -m comment "
                      f"--comment \"firewall of node {node['metadata']['name']}\" -j DROP"
                      for proto in ("tcp", "udp") if ports]
    return "".join(f"{line}\n" for line in ["*raw", *rules, "COMMIT"]) if rules else ""


def _firewalled_ports(text: str | None) -> str | None:
    """The iptables port match: `nodeports` = the whole NodePort range, else a comma list of ports."""
    if not text:
        return None
    if text.strip() == "nodeports":
        return f"--dport {NODE_PORTS[0]}:{NODE_PORTS[1] - 1}"
    return f"-m multiport --dports {','.join(csv(text))}"


def records(objects: list[dict]) -> list[tuple[str, str]]:
    """(ip, name) A records of the external zone, as ExternalDNS would publish them (with faults)."""
    found = []
    for obj in _of(objects, "Service") + _of(objects, "Ingress"):
        names = _published_names(obj)
        fault = annotation(obj, "external-dns")
        if not names or fault == "missing":
            continue
        addresses = csv(fault) if fault else _targets(obj, objects)
        found += [(ip, name) for name in names for ip in addresses if _is_ip(ip)]
    return sorted(set(found))


def zones(objects: list[dict]) -> list[str]:
    """The domains the outside DNS is authoritative for: the parent of every name it should know."""
    names = {n for o in _of(objects, "Service") + _of(objects, "Ingress") for n in _published_names(o)}
    return sorted({name.split(".", 1)[1] for name in names if "." in name})


def _published_names(obj: dict) -> list[str]:
    names = csv(((obj.get("metadata") or {}).get("annotations") or {}).get(DNS_HOSTNAME))
    if obj["kind"] == "Ingress":
        names += [r["host"] for r in (obj.get("spec") or {}).get("rules") or [] if r.get("host")]
    return [n.rstrip(".").lower() for n in names if "*" not in n]


def _targets(obj: dict, objects: list[dict]) -> list[str]:
    """The addresses ExternalDNS publishes: the target annotation, else the status addresses;
    for a NodePort Service the nodes' addresses."""
    notes = (obj.get("metadata") or {}).get("annotations") or {}
    if notes.get(DNS_TARGET):
        return csv(notes[DNS_TARGET])
    if obj["kind"] == "Service" and (obj.get("spec") or {}).get("type") == "NodePort":
        return [a for node in _of(objects, "Node") for a in _node_addresses(node)]
    return _lb_ips(obj)


def _lb_ips(obj: dict) -> list[str]:
    points = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return [p["ip"] for p in points if p.get("ip")]


def _node_addresses(node: dict) -> list[str]:
    addresses = (node.get("status") or {}).get("addresses") or []
    external = [a["address"] for a in addresses if a.get("type") == "ExternalIP"]
    return external or [a["address"] for a in addresses if a.get("type") == "InternalIP"]


def cached_records(objects: list[dict]) -> list[tuple[str, str]]:
    """(ip, name) this machine's resolver still returns from its cache (`sim.netdebug.io/external-dns-cache`)."""
    return sorted({(ip, name) for obj in _of(objects, "Service") + _of(objects, "Ingress")
                   for name in _published_names(obj) for ip in csv(annotation(obj, "external-dns-cache"))})


def resolver_config(hosts_path: str, log_path: str, pid_path: str, domains: list[str]) -> str:
    """This machine's resolver on 127.0.0.1: its cache (a hosts file), the zone's names asked to the
    authoritative server, anything else refused (no way out of the simulation)."""
    return _dnsmasq(["listen-address=127.0.0.1", f"addn-hosts={hosts_path}"]
                    + [f"server=/{domain}/{AUTHORITY}" for domain in domains], log_path, pid_path)


def authority_config(records_: list[tuple[str, str]], log_path: str, pid_path: str, domains: list[str]) -> str:
    """The zones' authoritative server: NS, SOA and the published A records (ExternalDNS's view)."""
    lines = [f"listen-address={AUTHORITY}"] + [f"auth-zone={domain}" for domain in domains]
    lines += [f"auth-server=ns1.{domains[0]},{AUTHORITY}"] if domains else []
    lines += [f"host-record=ns1.{domain},{AUTHORITY}" for domain in domains]
    lines += [f"host-record={name},{ip}" for ip, name in records_]
    return _dnsmasq(lines, log_path, pid_path)


def _dnsmasq(lines: list[str], log_path: str, pid_path: str) -> str:
    options = ["no-resolv", "no-hosts", "no-poll", "bind-interfaces", "port=53", "user=root", "local-ttl=5",
               "auth-ttl=5", "log-queries", f"log-facility={log_path}", f"pid-file={pid_path}", "keep-in-foreground"]
    return "\n".join(options + lines) + "\n"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def _of(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def _ref(obj: dict) -> str:
    return f"{obj['metadata'].get('namespace')}/{obj['metadata']['name']}"
