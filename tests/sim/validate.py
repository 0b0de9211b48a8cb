"""What the API server (or kubectl's client-side validation) would reject in a scenario object."""
import ipaddress
import re

import yaml

LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
TEMPLATED = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
STATES = ("running", "not-ready", "crashloop", "imagepull", "unschedulable", "terminating")
ADDRESS_TYPES = ("IPv4", "IPv6", "FQDN")
PREFIX = "sim.netdebug.io/"
_PORT = r"(\d{1,3}(\.\d{1,3}){3}:)?\d{1,5}(/(TCP|UDP|tcp|udp))?"
NETEM = re.compile(r"^(?:\s*(?:delay \d+(?:\.\d+)?ms(?: \d+(?:\.\d+)?ms)?|loss \d+(?:\.\d+)?%))+\s*$")
FORMATS = {  # annotation (without prefix and container suffix) -> (pattern, what it must be)
    "listen": (re.compile(rf"^(none|{_PORT}(\s*,\s*{_PORT})*)$"), "`none` or ports like 8080,53/UDP,127.0.0.1:9000"),
    "tls": (re.compile(r"^\d{1,5}(\s*,\s*\d{1,5})*$"), "a list of ports like 443,8443"),
    "http-status": (re.compile(r"^\d{1,5}=\d{3}(\s*,\s*\d{1,5}=\d{3})*$"), "a list like 8080=503,80=404"),
    "dns-delay": (re.compile(r"^\d+(\.\d+)?$"), "a number of seconds"),
    "dns": (re.compile(r"^(down|up)$"), "`down`"),
    "clusterip": (re.compile(r"^broken$"), "`broken`"),
    "netem": (NETEM, "`delay 200ms`, `loss 20%` or both, e.g. `delay 50ms 10ms loss 5%` (delay, jitter, loss)"),
    "mtu": (re.compile(r"^\d{3,5}$"), "a packet size in bytes like 1400"),
    "stale-endpoint": (re.compile(r"^\d{1,3}(\.\d{1,3}){3}$"), "an IPv4 address (the endpoint stale rules send to)"),
    "drop-replies": (re.compile(rf"^(all|{_PORT}(\s*,\s*{_PORT})*)$"), "`all` or ports like 8080,53/UDP"),
    "no-route-from": (re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\s*,\s*[a-z0-9]([-a-z0-9.]*[a-z0-9])?)*$"),
                      "node names like node-1,node-2"),
    "lb-route": (re.compile(r"^none$"), "`none`"),
    "lb-health-check": (re.compile(r"^ignored$"), "`ignored`"),
    "cert": (re.compile(r"^[*a-z0-9]([-a-z0-9.*]*[a-z0-9])?(\s*,\s*[*a-z0-9]([-a-z0-9.*]*[a-z0-9])?)*$"),
             "DNS names like shop.example.com,www.example.com"),
    "cert-expired": (re.compile(r"^(true|false)$"), "`true`"),
    "firewall": (re.compile(r"^(nodeports|\d{1,5}(\s*,\s*\d{1,5})*)$"), "`nodeports` or a list of ports like 30080,30443"),
    "external-dns": (re.compile(r"^(missing|[0-9.]+(\s*,\s*[0-9.]+)*)$"), "`missing` or stale addresses like 203.0.113.99"),
    "external-dns-cache": (re.compile(r"^[0-9.]+(\s*,\s*[0-9.]+)*$"), "addresses like 203.0.113.77"),
}


def problems(obj: dict) -> list[str]:
    """The first problems found, each a short phrase naming the field."""
    found = _common(obj)
    if found:
        return found
    check = _BY_KIND.get(obj["kind"])
    found = check(obj) if check else []
    return found + _annotations(obj)


def _common(obj: dict) -> list[str]:
    if not obj.get("kind"):
        return ["kind is required"]
    if not obj.get("apiVersion"):
        return ["apiVersion is required"]
    name = (obj.get("metadata") or {}).get("name")
    if not name:
        return ["metadata.name is required"]
    if not isinstance(name, str) or len(name) > 253 or not SUBDOMAIN.match(name):
        return [f"metadata.name {name!r} is not a valid DNS subdomain"]
    return []


def _pod_spec(spec: dict, where: str) -> list[str]:
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        return [f"{where}.containers: at least one container is required"]
    found, seen = [], set()
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for index, container in enumerate(spec.get(key) or []):
            found += _container(container, f"{where}.{key}[{index}]", seen)
    return found


def _container(container: dict, where: str, seen: set) -> list[str]:
    name = container.get("name") if isinstance(container, dict) else None
    if not name:
        return [f"{where}.name is required"]
    if not LABEL.match(str(name)) or name in seen:
        return [f"{where}.name {name!r} is invalid or duplicated"]
    seen.add(name)
    if not container.get("image"):
        return [f"{where}.image is required (container {name})"]
    for index, port in enumerate(container.get("ports") or []):
        number = port.get("containerPort")
        if not isinstance(number, int) or not 0 < number < 65536:
            return [f"{where}.ports[{index}].containerPort must be 1-65535 (container {name})"]
        if len(str(port.get("name", ""))) > 15:
            return [f"{where}.ports[{index}].name must be at most 15 characters (container {name})"]
    return []


def _pod(obj: dict) -> list[str]:
    found = _pod_spec(obj.get("spec") or {}, "spec")
    ip = (obj.get("status") or {}).get("podIP")
    return found + (_address(ip, "status.podIP") if ip else [])


def _workload(obj: dict) -> list[str]:
    spec = obj.get("spec") or {}
    template = spec.get("template")
    if obj["kind"] == "Job" and not template:
        return ["spec.template is required"]
    if not isinstance(template, dict):
        return ["spec.template is required"]
    selector = spec.get("selector")
    if obj["kind"] != "Job" and obj.get("apiVersion", "").startswith("apps/") and not selector:
        return ["spec.selector is required"]
    return _pod_spec(template.get("spec") or {}, "spec.template.spec")


def _service(obj: dict) -> list[str]:
    spec = obj.get("spec") or {}
    kind = spec.get("type", "ClusterIP")
    if kind not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        return [f"spec.type {kind!r} is not supported"]
    ports = spec.get("ports") or []
    if kind != "ExternalName" and not ports:
        return ["spec.ports: at least one port is required"]
    for index, port in enumerate(ports):
        if not isinstance(port.get("port"), int) or not 0 < port["port"] < 65536:
            return [f"spec.ports[{index}].port must be 1-65535"]
        if len(ports) > 1 and not port.get("name"):
            return [f"spec.ports[{index}].name is required when there are several ports"]
    ip = spec.get("clusterIP")
    return _address(ip, "spec.clusterIP") if ip and ip != "None" else []


def _endpoint_slice(obj: dict) -> list[str]:
    if obj.get("addressType") not in ADDRESS_TYPES:
        return [f"addressType is required (one of {', '.join(ADDRESS_TYPES)})"]
    for index, endpoint in enumerate(obj.get("endpoints") or []):
        if not endpoint.get("addresses"):
            return [f"endpoints[{index}].addresses is required"]
    return []


def _node(obj: dict) -> list[str]:
    cidr = (obj.get("spec") or {}).get("podCIDR")
    if cidr:
        try:
            ipaddress.ip_network(cidr)
        except ValueError:
            return [f"spec.podCIDR {cidr!r} is not a CIDR"]
    return []


def _address(value, where: str) -> list[str]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return [f"{where} {value!r} is not an IP address"]
    return []


def _annotations(obj: dict) -> list[str]:
    notes = (obj.get("metadata") or {}).get("annotations") or {}
    template = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
    notes = {**notes, **(template.get("annotations") or {})}
    for key, value in notes.items():
        if key.startswith("sim.netdebug.io/state") and value not in STATES:
            return [f"annotation {key}: {value!r} is not one of {', '.join(STATES)}"]
        name = key[len(PREFIX):].split(".")[0] if key.startswith(PREFIX) else None
        pattern = FORMATS.get(name)
        if pattern and not pattern[0].match(str(value).strip()):
            return [f"annotation {key}: {value!r} is not {pattern[1]}"]
        if key == "sim.netdebug.io/drop":
            try:
                rules = yaml.safe_load(value)
            except yaml.YAMLError:
                rules = None
            if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
                return [f"annotation {key}: must be a YAML list of rules"]
    return []


_BY_KIND = {
    "Pod": _pod, "Service": _service, "EndpointSlice": _endpoint_slice, "Node": _node,
    **{kind: _workload for kind in TEMPLATED},
}
