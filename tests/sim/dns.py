"""Cluster DNS: the records CoreDNS would serve, as a dnsmasq hosts file and config, and resolv.conf.

dnsmasq runs with no upstream (`--no-resolv`): names under cluster.local come from the hosts file
(NXDOMAIN otherwise); any other name is refused, so no query ever leaves the simulated cluster.
"""
DOMAIN = "cluster.local"
DNS_SERVICE = ("kube-system", "kube-dns")
DEFAULT_DNS_IP = "10.96.0.10"


def records(objects: list[dict]) -> list[tuple[str, str]]:
    """(ip, name) A records: Services, headless Services -> ready pod IPs, pod hostnames, pod names."""
    found = []
    pods = [o for o in objects if o["kind"] == "Pod" and (o.get("status") or {}).get("podIP")]
    for service in (o for o in objects if o["kind"] == "Service"):
        name, ns = service["metadata"]["name"], service["metadata"]["namespace"]
        fqdn = f"{name}.{ns}.svc.{DOMAIN}"
        cluster_ip = service["spec"].get("clusterIP")
        if cluster_ip and cluster_ip != "None":
            found.append((cluster_ip, fqdn))
        elif cluster_ip == "None":
            found += [(ip, fqdn) for ip in _ready_addresses(objects, ns, name)]
            found += [(p["status"]["podIP"], f"{p['spec']['hostname']}.{fqdn}") for p in pods
                      if p["metadata"]["namespace"] == ns and p["spec"].get("subdomain") == name
                      and p["spec"].get("hostname")]
    for pod in pods:
        ip, ns = pod["status"]["podIP"], pod["metadata"]["namespace"]
        found.append((ip, f"{ip.replace('.', '-')}.{ns}.pod.{DOMAIN}"))
    return found


def _ready_addresses(objects: list[dict], namespace: str, service: str) -> list[str]:
    addresses = []
    for slice_ in objects:
        labels = slice_["metadata"].get("labels") or {} if slice_["kind"] == "EndpointSlice" else {}
        if labels.get("kubernetes.io/service-name") == service and slice_["metadata"].get("namespace") == namespace:
            addresses += [a for e in slice_.get("endpoints") or []
                          if (e.get("conditions") or {}).get("ready", True) is not False for a in e["addresses"]]
    return sorted(set(addresses))


def srv_records(objects: list[dict]) -> list[str]:
    """`srv-host=` lines for named Service ports: _port._proto.svc.ns.svc.cluster.local."""
    lines = []
    for service in (o for o in objects if o["kind"] == "Service" and o["spec"].get("type") != "ExternalName"):
        fqdn = f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc.{DOMAIN}"
        for port in service["spec"].get("ports") or []:
            if port.get("name"):
                lines.append(f"srv-host=_{port['name']}._{port.get('protocol', 'TCP').lower()}.{fqdn},{fqdn},{port['port']}")
    return lines


def hosts_file(objects: list[dict]) -> str:
    return "".join(f"{ip} {name}\n" for ip, name in records(objects))


def dnsmasq_config(hosts_path: str, log_path: str, pid_path: str, port: int) -> str:
    options = ["no-resolv", "no-hosts", "no-poll", f"addn-hosts={hosts_path}", f"local=/{DOMAIN}/",
               f"port={port}", "user=root", "local-ttl=5", "log-queries", f"log-facility={log_path}",
               f"pid-file={pid_path}", "keep-in-foreground"]
    return "\n".join(options) + "\n"


def dns_service_ip(objects: list[dict]) -> str:
    for obj in objects:
        if obj["kind"] == "Service" and (obj["metadata"].get("namespace"), obj["metadata"]["name"]) == DNS_SERVICE:
            return obj["spec"].get("clusterIP") or DEFAULT_DNS_IP
    return DEFAULT_DNS_IP


def resolv_conf(pod: dict, nameserver: str) -> str:
    """What the kubelet writes for dnsPolicy ClusterFirst (the default)."""
    ns = pod["metadata"]["namespace"]
    return (f"search {ns}.svc.{DOMAIN} svc.{DOMAIN} {DOMAIN}\n"
            f"nameserver {nameserver}\noptions ndots:5\n")


def etc_hosts(pod: dict) -> str:
    """The kubelet-managed /etc/hosts: localhost and the pod's own name (FQDN with a subdomain)."""
    spec, ip = pod["spec"], pod["status"]["podIP"]
    hostname = spec.get("hostname") or pod["metadata"]["name"]
    names = hostname
    if spec.get("subdomain"):
        names = f"{hostname}.{spec['subdomain']}.{pod['metadata']['namespace']}.svc.{DOMAIN} {hostname}"
    return f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{ip}\t{names}\n"
