"""What svcdebug's probe_verdicts must know about a walked path (ProbeFacts): its endpoints, what the
policy hop decided for each, the Service port's checks and the DNS names asked. Pure."""
from ..model.kinds import CLUSTER_DNS_CHECK
from .probe_facts import ProbeFacts
from .service_policy import PolicyCheck

LOCALHOST = "127.0.0.1"


def probe_facts(report, results: list[dict]) -> ProbeFacts:
    """What probe_verdicts needs to know about this path, from the walk."""
    targets = report.targets
    service = targets.get("service") or {}
    endpoint_pods = {e["ip"]: e["pod"] for e in targets.get("endpoints") or [] if e["ip"]}
    if "localhost" in targets:
        endpoint_pods[LOCALHOST] = report.source
    destination = report.hop("destination")
    unready = {p["pod"] for p in (destination.facts.get("pods") or []) if p.get("ready") is False} if destination else set()
    subject = f"Service {service['service']}" if service else f"Pod {next(iter(endpoint_pods.values()), report.destination)}"
    return ProbeFacts(
        subject=subject, namespace=(service.get("service") or next(iter(endpoint_pods.values()), "")).split("/")[0],
        cluster_ips=frozenset([service["ip"]] if service.get("ip") else []), endpoint_pods=endpoint_pods,
        ready_ips=frozenset(ip for ip, pod in endpoint_pods.items() if pod not in unready),
        backends=frozenset(endpoint_pods.values()), policy=_policy_facts(report, endpoint_pods),
        clusterip_policy=_clusterip_policy(report, service),
        dns_names=_dns_roles(targets.get("dns")),
        listening={r["pod"]: r["sockets"] for r in results if r["role"] == "listening" and r["outcome"] == "listening"})


def _policy_facts(report, endpoint_pods: dict) -> dict:
    """(client, IP, port) -> allowed, for what the policy hop evaluated (missing: unknown)."""
    hop = report.hop("policy")
    if hop is None or hop.code == "policy-not-visible":
        return {}
    if hop.facts.get("localhost"):
        return {(report.source, ip, port): True for ip in endpoint_pods for port in [report.port]}
    ip_of = {pod: ip for ip, pod in endpoint_pods.items()}
    return {(report.source, ip_of[c["to"]], c.get("port")): c["allowed"] for c in hop.facts.get("checks") or []
            if c["to"] in ip_of}


def _clusterip_policy(report, service: dict) -> dict:
    """(source, Service port) -> the policy hop's check of the source reaching each endpoint (as svcdebug's)."""
    hop = report.hop("policy")
    if not service.get("port") or hop is None or hop.code == "policy-not-visible" or hop.facts.get("localhost"):
        return {}
    checks = []
    for c in hop.facts.get("checks") or []:
        side = next((c[d] for d in ("egress", "ingress") if not c[d]["allowed"]), None)
        checks.append(PolicyCheck(report.source, c["to"], c.get("port"), report.protocol, c["allowed"],
                                  "egress" if side is c["egress"] else "ingress" if side else None,
                                  tuple(side["policies"]) if side else (), "", ()))
    return {(report.source, service["port"]): checks}


def _dns_roles(name: str | None) -> dict:
    if not name:
        return {}
    role = "short" if "." not in name else "fqdn" if ".svc" in name else "namespace"
    return {name: role, CLUSTER_DNS_CHECK: "cluster-dns"}
