"""What a pod's `sim.netdebug.io/*` annotations say it does: state, listeners, tools, logs, drops.

Controllers (status, readiness) and the data plane (listeners, exec, iptables) read the same
answers from here, so a container that is said to crash neither listens nor reports ready.
"""
import ipaddress
from dataclasses import dataclass

import yaml

from .scenario import annotation, csv

DNS_LABEL = ("k8s-app", "kube-dns")
NOT_RUNNING = ("crashloop", "imagepull")
IMAGE_TOOLS = {"distroless": "none", "pause": "none", "scratch": "none"}


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str  # TCP | UDP
    address: str = "0.0.0.0"  # `listen: "127.0.0.1:8080"` binds that address only


def pod_state(pod: dict) -> str:
    """Pod-wide state: running (default), unschedulable, terminating, or a container state."""
    return annotation(pod, "state") or "running"


def container_state(pod: dict, container: str) -> str:
    state = annotation(pod, "state", container) or "running"
    return "running" if state in ("unschedulable", "terminating") else state


def is_dns_pod(pod: dict) -> bool:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return labels.get(DNS_LABEL[0]) == DNS_LABEL[1] and pod["metadata"].get("namespace") == "kube-system"


def listening(pod: dict, container: dict) -> list[Port]:
    """Ports that really accept connections in this container (none when it is not running)."""
    if container_state(pod, container["name"]) in NOT_RUNNING:
        return []
    text = annotation(pod, "listen", container["name"])
    if text is None:
        return [Port(p["containerPort"], p.get("protocol") or "TCP") for p in container.get("ports") or []]
    return [] if text.strip() == "none" else [_port(item) for item in csv(text)]


def _port(item: str) -> Port:
    address, _, item = item.rpartition(":")
    number, _, protocol = item.partition("/")
    return Port(int(number), (protocol or "TCP").upper(), address or "0.0.0.0")


def http_status(pod: dict, port: int) -> int:
    """`sim.netdebug.io/http-status: "8080=503,80=404"`: the HTTP status a listener answers."""
    for item in csv(annotation(pod, "http-status")):
        number, _, code = item.partition("=")
        if int(number) == port:
            return int(code)
    return 200


def tls_ports(pod: dict) -> set[int]:
    """`sim.netdebug.io/tls: "443,8443"`: listeners on these ports speak HTTPS (self-signed)."""
    return {int(item) for item in csv(annotation(pod, "tls"))}


def tools(pod: dict, container: dict) -> list[str] | None:
    """Binaries available in the container; None means every tool of the machine."""
    text = annotation(pod, "tools", container["name"])
    if text is None:
        image = container.get("image", "")
        text = next((v for k, v in IMAGE_TOOLS.items() if k in image), "all")
    if text.strip() == "all":
        return None
    return [] if text.strip() == "none" else csv(text)


def log_lines(pod: dict, container: str) -> list[str] | None:
    text = annotation(pod, "logs", container)
    return None if text is None else text.splitlines()


def dns_mode(pod: dict) -> tuple[bool, float]:
    """(serving, delay seconds) for a cluster DNS pod: `dns: down`, `dns-delay: "2"`."""
    return annotation(pod, "dns") != "down", float(annotation(pod, "dns-delay") or 0)


@dataclass(frozen=True)
class DropRule:
    direction: str  # ingress | egress (seen from this pod)
    peers: tuple  # CIDRs; empty = any
    ports: tuple  # Port; empty = all
    action: str  # DROP | REJECT | RETURN (accept: skip the rules after it)


def drop_rules(pod: dict, resolve_peer) -> list[DropRule]:
    """`sim.netdebug.io/drop`: a YAML list of {direction, peers, ports, action}, first match wins.

    action: drop (default, the sender times out), reject (refused), accept (exempt from later rules).
    A peer is a CIDR/IP, a label selector `app=x` (pods of this namespace), `ns/app=x`, or `ns/*`;
    `resolve_peer(namespace, text)` turns selectors into pod IPs.
    """
    text = annotation(pod, "drop")
    if not text:
        return []
    rules = []
    for rule in yaml.safe_load(text):
        peers = []
        for peer in rule.get("peers") or []:
            peers += _cidrs(str(peer), pod["metadata"]["namespace"], resolve_peer)
        ports = tuple(_port(str(p)) for p in rule.get("ports") or [])
        action = {"reject": "REJECT", "accept": "RETURN"}.get(rule.get("action"), "DROP")
        rules.append(DropRule(rule.get("direction", "ingress"), tuple(peers), ports, action))
    return rules


def _cidrs(peer: str, namespace: str, resolve_peer) -> list[str]:
    try:
        return [str(ipaddress.ip_network(peer, strict=False))]
    except ValueError:
        return [f"{ip}/32" for ip in resolve_peer(namespace, peer)] or ["0.0.0.0/32"]
