"""The data plane of one simulated cluster run: namespaces, kube-proxy rules, DNS, listeners.

`DataPlane(registry, objects).up()` builds everything from the reconciled objects (see
controllers.py) in a handful of batched commands; `down()` stops what it started and sweeps the
run's prefix, which also removes anything an interrupted run left.
"""
import asyncio
import json
import os
import sys
import time

from . import (adminpolicy, behaviour, daemons, dns, ingress_certs, ingress_routes, kubeproxy, links, mesh,
               netns, netpolicy, outside, outside_run)
from .names import hex_id
from .nodes import internal_ip
from .registry import ETC_NETNS, sweep

PARALLEL = 32
# where br_netfilter is loaded, bridged frames would meet iptables on the bridge and a Service DNAT to
# a same-node pod would be bridged, never routed, its replies never un-DNAT'ed: pods are routed instead
BRIDGE_NETFILTER_OFF = [f"net.bridge.bridge-nf-call-{tables}=0" for tables in ("iptables", "ip6tables", "arptables")]
EGRESS_CHAINS = ("-A SIM-ADMIN-OUT ", "-A SIM-POLICY-OUT ", "-A SIM-BASELINE-OUT ")


class DataPlane:
    def __init__(self, registry, objects: list[dict], enforce_policies: bool = False):
        self.registry, self.objects, self.enforce_policies = registry, objects, enforce_policies
        self.fabric = registry.prefix + "fabric"
        self.outside = registry.prefix + "outside"  # the user's machine and the internet (outside.py)
        self.daemons = daemons.Daemons(registry)
        self.nodes = {}
        self.pods = {}  # "ns/name" -> netns.PodNet
        self.timings: dict[str, float] = {}
        self._plan()

    def _plan(self) -> None:
        node_objects = sorted((o for o in self.objects if o["kind"] == "Node"), key=lambda n: n["metadata"]["name"])
        for index, node in enumerate(node_objects):
            self.nodes[node["metadata"]["name"]] = netns.node_net(index, node, internal_ip(node))
        for index, pod in enumerate(self._placed_pods()):
            key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
            name = f"{self.registry.prefix}{pod['metadata']['namespace']}_{pod['metadata']['name']}"
            self.pods[key] = netns.pod_net(name, index, pod["status"]["podIP"], self.nodes[pod["spec"]["nodeName"]])

    def _placed_pods(self) -> list[dict]:
        return [p for p in self.objects if p["kind"] == "Pod" and p["spec"].get("nodeName") in self.nodes
                and (p.get("status") or {}).get("podIP") and not p["spec"].get("hostNetwork")]

    # -- what the runtime and tests ask -------------------------------------------------------
    def netns_of(self, pod: dict) -> str | None:
        if pod["spec"].get("hostNetwork") and pod["spec"].get("nodeName") in self.nodes:
            return self.fabric
        net = self.pods.get(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
        return net.netns if net else None

    def pod_netns(self, ref: str) -> str | None:
        net = self.pods.get(ref)
        return net.netns if net else None

    def container_id(self, pod: dict, container: str) -> str:
        return hex_id(pod["metadata"]["name"], container)

    def file(self, *parts: str) -> str:
        return self.registry.file(*parts)

    def dns_log(self, pod: dict) -> list[str]:
        try:
            with open(self._dns_file(pod, "log"), encoding="utf-8", errors="replace") as stream:
                return stream.read().splitlines()[-500:]
        except OSError:
            return []

    # -- bring-up -----------------------------------------------------------------------------
    def up(self) -> None:
        started = time.monotonic()
        self.ingress_certs = ingress_certs.issue(self.objects, self.file("ingress"))  # fills TLS Secrets
        self._write_etc()
        netns.add_namespaces([self.fabric, self.outside] + [p.netns for p in self.pods.values()])
        self._mark("namespaces", started)
        ports = kubeproxy.service_ports(self.objects)
        lb_ips = sorted({ip for sp in ports for ip in sp.lb_ips})
        netns.run(["ip", "-n", self.fabric, "-batch", "-"],
                  netns.fabric_batch(list(self.nodes.values()), list(self.pods.values()), lb_ips)
                  + "\n".join(outside.fabric_lines(self.outside) + kubeproxy.reject_routes(ports)) + "\n")
        netns.run(["ip", "-n", self.outside, "-batch", "-"], outside.outside_batch())
        netns.run(["ip", "netns", "exec", self.fabric, netns.binary("sysctl"), "-eqw", "net.ipv4.ip_forward=1",
                   *[f"net.ipv4.conf.{key}.send_redirects=0" for key in ("all", *self._bridges())],
                   *BRIDGE_NETFILTER_OFF])
        node_ips = {name: net.address for name, net in self.nodes.items()}
        netns.run(["ip", "netns", "exec", self.fabric, netns.binary("iptables-restore")],
                  kubeproxy.fabric_rules(ports, node_ips, outside.VETH, self._bridges())
                  + outside.firewall_rules(self.objects))
        self._mark("fabric", started)
        self._link_faults()
        asyncio.run(self._configure_pods(ports))
        self._mark("pods", started)
        slow = self._start_dns()
        outside_run.start_dns(self)
        self._start_listeners(slow)
        self._mark("ready", started)

    def _link_faults(self) -> None:
        """netem, node MTU, broken node routes and reply drops (links.py), all in the fabric."""
        nodes = [o for o in self.objects if o["kind"] == "Node"]
        mtu = links.mtu_lines(self.nodes, nodes)
        if mtu:
            netns.run(["ip", "-n", self.fabric, "-batch", "-"], "\n".join(mtu) + "\n")
        shaped = links.shaper_rules(self.nodes, self.pods, self.objects)
        if shaped:
            self._start_shaper(shaped)
        rules = links.filter_rules(self.nodes, self.pods, self.objects)
        if rules:
            netns.run(["ip", "netns", "exec", self.fabric, netns.binary("iptables-restore"), "--noflush"], rules)

    def _start_shaper(self, rules: list[dict]) -> None:
        spec, ready = self.file("shaper.json"), self.file("shaper.ready")
        _write(spec, json.dumps({"rules": rules}))
        self.daemons.spawn([netns.binary("ip"), "netns", "exec", self.fabric, sys.executable, "-m", "tests.sim.shaper",
                            spec, ready], self.file("shaper.log"))
        self.daemons.wait_for([ready], "shaper")
        netns.run(["ip", "-n", self.fabric, "-batch", "-"], links.shaper_batch(rules))
        for key in ("all", links.DEVICE):
            netns.run(["ip", "netns", "exec", self.fabric, netns.binary("sysctl"), "-qw", f"net.ipv4.conf.{key}.rp_filter=0"])

    def _mark(self, step: str, started: float) -> None:
        self.timings[step] = round(time.monotonic() - started, 3)

    async def _configure_pods(self, ports) -> None:
        limit, pods = asyncio.Semaphore(PARALLEL), self._pods_by_key()
        await asyncio.gather(*(netns.configure_pod(net, self._pod_rules(ports, pods[key]), limit)
                               for key, net in self.pods.items()))

    def _bridges(self) -> tuple:
        return tuple(node.bridge for node in self.nodes.values())

    def _pod_rules(self, ports, pod: dict) -> str | None:
        """The pod's iptables-restore text; None when nothing filters it (the fabric does its Services)."""
        drops, own_ip = self._drops(pod), pod["status"].get("podIP")
        if not drops and not self.enforce_policies:
            return None
        declared, lines = netpolicy.rules(pod, self.objects) if self.enforce_policies else ([], [])
        admin = [line for chain in adminpolicy.rules(pod, self.objects).values() for line in chain] \
            if self.enforce_policies else []
        egress_filtered = any(rule.direction == "egress" for rule in drops) or \
            any(line.startswith(EGRESS_CHAINS) for line in admin + lines)
        ports = kubeproxy.pod_service_ports(ports, own_ip, egress_filtered)
        if not self.enforce_policies:
            return kubeproxy.pod_rules(ports, drops)
        return kubeproxy.pod_rules(ports, drops, (declared, admin + lines), own_ip)

    def _pods_by_key(self) -> dict:
        return {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in self.objects if p["kind"] == "Pod"}

    def _drops(self, pod: dict) -> list:
        return behaviour.drop_rules(pod, self._peer_ips)

    def _peer_ips(self, namespace: str, text: str) -> list[str]:
        from netdebug.model.selectors import matches, parse
        if "/" in text:
            namespace, text = text.split("/", 1)
        selector = {} if text in ("*", "") else parse(text)
        return [p["status"]["podIP"] for p in self.objects if p["kind"] == "Pod" and
                p["metadata"]["namespace"] == namespace and (p.get("status") or {}).get("podIP")
                and matches(selector, p["metadata"].get("labels") or {})]

    def _write_etc(self) -> None:
        """Per-pod /etc/netns/<netns>/{resolv.conf,hosts}: `ip netns exec` mounts them over /etc."""
        nameserver, pods = dns.dns_service_ip(self.objects), self._pods_by_key()
        for key, net in self.pods.items():
            directory = os.path.join(ETC_NETNS, net.netns)
            os.makedirs(directory, exist_ok=True)
            _write(os.path.join(directory, "resolv.conf"), dns.resolv_conf(pods[key], nameserver))
            _write(os.path.join(directory, "hosts"), dns.etc_hosts(pods[key]))
        fabric_etc = os.path.join(ETC_NETNS, self.fabric)
        os.makedirs(fabric_etc, exist_ok=True)
        _write(os.path.join(fabric_etc, "resolv.conf"), "nameserver 127.0.0.1\n")
        outside_run.write_etc(self, self.ingress_certs.ca)

    def _dns_file(self, pod: dict, suffix: str) -> str:
        return self.file("dns", f"{pod['metadata']['namespace']}_{pod['metadata']['name']}.{suffix}")

    def _start_dns(self) -> list[dict]:
        """dnsmasq in every serving cluster-DNS pod; returns the slow-DNS fronts to add."""
        os.makedirs(self.file("dns"), exist_ok=True)
        hosts = self.file("dns", "hosts")
        _write(hosts, dns.hosts_file(self.objects))
        slow, waiting = [], []
        for pod in self._dns_pods():
            serving, delay = behaviour.dns_mode(pod)
            if not serving:
                continue
            config = dns.dnsmasq_config(hosts, self._dns_file(pod, "log"), self._dns_file(pod, "pid"),
                                        5353 if delay else 53) + "\n".join(dns.srv_records(self.objects)) + "\n"
            _write(self._dns_file(pod, "conf"), config)
            self.daemons.spawn([netns.binary("ip"), "netns", "exec", self.netns_of(pod), netns.binary("dnsmasq"),
                         f"--conf-file={self._dns_file(pod, 'conf')}"],
                        self._dns_file(pod, "out"))
            waiting.append(self._dns_file(pod, "pid"))
            if delay:
                slow.append({"netns": f"/run/netns/{self.netns_of(pod)}", "ip": "0.0.0.0", "port": 53,
                             "upstream": 5353, "delay": delay})
        self.daemons.wait_for(waiting, "dnsmasq")
        return slow

    def _dns_pods(self) -> list[dict]:
        return [p for p in self.objects if p["kind"] == "Pod" and behaviour.is_dns_pod(p) and self.netns_of(p)
                and any(port.number == 53 for c in p["spec"]["containers"] for port in behaviour.listening(p, c))]

    def _start_listeners(self, slow: list[dict]) -> None:
        first = next(iter(self.nodes.values()), None)
        sockets = daemons.listener_entries(self.objects, self.netns_of)
        sockets += [daemons.api_endpoint(self.fabric, first.address)] if first else []
        ingress_routes.attach(sockets, self.objects, self.ingress_certs, self.file("ingress"))
        mesh.attach(sockets, self.objects)
        spec, ready = self.file("listeners.json"), self.file("listeners.ready")
        _write(spec, json.dumps({"sockets": sockets, "slow_dns": slow, "tls": self._tls(sockets)}))
        self.daemons.spawn([sys.executable, "-m", "tests.sim.listeners", spec, ready], self.file("listeners.log"))
        self.daemons.wait_for([ready], "listeners")

    def _tls(self, sockets: list[dict]) -> dict | None:
        """A throwaway certificate for listeners that speak HTTPS (`sim.netdebug.io/tls`)."""
        if not any(entry.get("tls") for entry in sockets):
            return None
        from pathlib import Path

        from tests.sim.apiserver.certs import generate
        os.makedirs(self.file("tls"))
        paths = generate(Path(self.file("tls")))
        return {"cert": str(paths.cert), "key": str(paths.key)}

    # -- teardown -----------------------------------------------------------------------------
    def down(self) -> None:
        self.daemons.stop()
        sweep(self.registry.name)


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)
