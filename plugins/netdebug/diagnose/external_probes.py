"""What a client outside the cluster should try, and what its results mean. Pure.

`targets` says where the way in is (the addresses the cluster publishes for the host, the entry
addresses and ports); `first_round` and `second_round` list the probes (the name and its authoritative
answer first, then TCP to each entry and each resolved address, and one HTTP(S) request as a browser
sends it, to the address the name resolves to); `conclude` judges DNS (external_dns), TCP, TLS and the HTTP status (external_judge) onto
the hops.
"""
from ..model import objects
from ..model.objects import is_ip
from .endpoints import service_endpoints
from .external import ExternalRoute, node_addresses
from .external_dns import judge_dns
from .external_judge import GOOD, judge_entries, judge_http
from .hops import FAIL, Hop
from .service import service_type
from .service_types import lb_addresses
from .target import Target


def dns_hop(route: ExternalRoute) -> Hop:
    """The name as this machine's resolver answers it (filled by the probes)."""
    return Hop("dns", facts={"name": route.host, "resolver": "this machine", "expected": route.published or "<none>"})


def targets(snapshot, route: ExternalRoute, target: Target, report) -> dict:
    service = route.service
    facts = {"host": route.host, "scheme": target.scheme, "path": target.path, "expected": route.published,
             "protocol": report.protocol,
             "via": route.via, "type": service_type(service) if service else None, "noRule": route.no_rule,
             "address": target.name if target.form == "ip" else None}
    if route.via == "ingress":
        port = target.port or (443 if target.scheme == "https" else 80)
        via = f"Ingress {objects.ref(route.ingress)}"
        return {**facts, "port": port, "entries": [{"address": a, "port": port, "via": via} for a in route.published]}
    svc_port = (report.hop("service").facts.get("port") or {})
    port_number = svc_port.get("port") or report.port
    node_port = next((p.get("nodePort") for p in objects.spec(service).get("ports") or []
                      if p.get("port") == port_number), None)
    nodes = node_addresses(snapshot)
    facts["localNodes"] = _local_nodes(snapshot, service)
    # with externalTrafficPolicy Local a load balancer that sends to every node loses some connections:
    # one connection per node shows it
    repeat = len(nodes) if facts["localNodes"] is not None and len(nodes) > 1 else 1
    entries = [{"address": a, "port": port_number, "via": "loadBalancer", "repeat": repeat} for a in lb_addresses(service)]
    if node_port:
        entries += [{"address": a["address"], "port": node_port, "via": f"node {a['node']}"} for a in nodes]
    facts["healthCheckNodePort"] = objects.spec(service).get("healthCheckNodePort")
    client_port = target.port if target.form != "service" and target.port else port_number
    return {**facts, "port": client_port, "entries": entries}


def _local_nodes(snapshot, service: dict) -> list[str] | None:
    """With externalTrafficPolicy Local: the nodes that have a ready endpoint (the others drop)."""
    if objects.spec(service).get("externalTrafficPolicy") != "Local":
        return None
    return sorted({e.node for e in service_endpoints(snapshot, service).ready if e.node})


def first_round(external: dict) -> list[dict]:
    """The name through this machine's resolver, and at its zone's authoritative servers."""
    host = external.get("host")
    if not host:
        return []
    hostnames = [a for a in external.get("expected") or [] if not is_ip(a)]  # e.g. a cloud LB's DNS name
    return [{"role": "dns", "kind": "resolve", "target": host},
            {"role": "dns-authority", "kind": "authority", "target": host}] + \
        [{"role": "dns-expected", "kind": "resolve", "target": name} for name in hostnames]


def second_round(external: dict, resolved: list[str], http_path: str | None) -> list[dict]:
    """TCP to every entry and resolved address; one HTTP(S) request to where the client would go."""
    kind = "udp" if external.get("protocol") == "UDP" else "tcp"
    probes = [{"role": "entry", "kind": kind, "target": e["address"], "port": e["port"], "via": e["via"]}
              for e in external["entries"] for _ in range(e.get("repeat", 1))]
    known = {e["address"] for e in external["entries"]}
    probes += [{"role": "resolved", "kind": kind, "target": a, "port": external["port"], "via": "DNS answer"}
               for a in resolved if a not in known]
    path = external.get("path") or http_path
    if kind == "udp" or (path is None and external.get("scheme") is None):
        return probes
    address, port = _http_address(external, resolved)
    if address:
        probes.append({"role": "http", "kind": "https" if external.get("scheme") == "https" else "http",
                       "target": address, "port": port, "host": external.get("host") or address, "path": path or "/"})
    return probes


def _http_address(external: dict, resolved: list[str]) -> tuple[str | None, int | None]:
    """Where the client's request goes: the name's address; when the name does not lead to the
    cluster (missing or stale record), the address the cluster serves it at, to test the rest."""
    if external.get("address"):
        return external["address"], external["port"]
    expected = external.get("expected") or []
    usable = [a for a in resolved if a in expected or not expected]
    if usable:
        return usable[0], external["port"]
    entries = external["entries"]
    chosen = next((e for e in entries if e["port"] == external["port"]), entries[0] if entries else None)
    return (chosen["address"], chosen["port"]) if chosen else (None, None)


def conclude(report, results: list[dict]) -> None:
    external = report.targets["external"]
    by_role: dict = {}
    for result in results:
        by_role.setdefault(result["role"], []).append(result)
    dns = report.hop("dns")
    if dns is not None and by_role.get("dns"):
        expected = external.get("expected") or []
        expanded = expected + [a for r in by_role.get("dns-expected", []) for a in r.get("addresses") or []]
        judge_dns(dns, by_role["dns"][0], {**external, "expected": expanded},
                  (by_role.get("dns-authority") or [None])[0])
    judge_entries(report.hop("entry"), by_role.get("entry", []), external)
    if by_role.get("http"):
        judge_http(report, by_role["http"][0], external)
    report.observed = _observed(report, by_role)


def _observed(report, by_role: dict) -> str | None:
    broken = next((h for h in report.hops if h.status == FAIL), None)
    if broken is not None:
        return f"blocked at {broken.name}"
    answered = [r for r in by_role.get("entry", []) + by_role.get("resolved", []) + by_role.get("http", [])
                if r["outcome"] in GOOD]
    return "reachable" if answered else None
