"""Judging what the outside client saw at the entry addresses and in the HTTP answer. Pure.

Each conclusion is tied to the hop that explains it (DNS: external_dns; certificates: external_tls):
unreachable addresses to the entry hop, an HTTP status to the hop whose state it reflects (a 503 with no ready
endpoint is the service hop's, already said there; a backend's own 5xx is the destination's).
"""
from ..model.findings import Finding
from .external_tls import cert_facts, certificate_findings
from .hops import FAIL, Hop

GOOD = ("connected", "http", "answered")
UNPROVEN = ("no-answer",)  # UDP silence: open and quiet, or filtered


def judge_entries(hop: Hop, entries: list[dict], external: dict) -> None:
    """Unanswered load-balancer (or Ingress) addresses, and node ports a firewall drops."""
    if hop is None:
        return
    entries = [e for e in entries if e["outcome"] not in UNPROVEN]
    front = [e for e in entries if not e["via"].startswith("node ")]
    if front and not any(e["outcome"] in GOOD for e in front):
        why = ("nothing listens on that port there (is it a port of the Service behind the address?)"
               if all(e["outcome"] == "refused" for e in front) else
               "its name does not resolve from this machine (check the DNS record of the load balancer)"
               if all(e["outcome"] == "nxdomain" for e in front) else
               "it is not routed to the cluster, or a firewall drops it")
        hop.fail(Finding("lb-unreachable", "error",
                         f"the load-balancer address {_listed(front)} does not answer from this machine "
                         f"({front[0]['outcome']}): {why}", {"probes": [_line(e) for e in front]},
                         "check the cloud load balancer (listeners, target health, security groups/firewall) and that "
                         "the address is routed to the nodes (MetalLB: its L2/BGP advertisement)", _subject(external)))
    elif any(e["outcome"] not in GOOD for e in front):
        hop.fail(_intermittent(front, external))
    local = external.get("localNodes")
    nodes = [e for e in entries if e["via"].startswith("node ")]
    dropped = [e for e in nodes if e["outcome"] not in GOOD and (local is None or e["via"][5:] in local)]
    if dropped and external.get("type") == "NodePort":
        severity = "warning" if any(e["outcome"] in GOOD for e in nodes) else "error"
        hop.judge([Finding("nodeport-filtered", severity,
                           f"node port {dropped[0]['port']} does not answer on {_listed(dropped)} from this machine "
                           f"({dropped[0]['outcome']}): a firewall (cloud security group) filters it",
                           {"probes": [_line(e) for e in nodes]}, "allow the NodePort range (30000-32767) from "
                           "your clients in the nodes' firewall, or expose the Service with a LoadBalancer/Ingress",
                           _subject(external))])


def _intermittent(front: list[dict], external: dict) -> Finding:
    lost = [e for e in front if e["outcome"] not in GOOD]
    local = external.get("localNodes")
    why = (f"with externalTrafficPolicy Local only {', '.join(local) or 'no node'} can serve, so the load balancer "
           "sends to nodes without a ready endpoint: its health check (healthCheckNodePort "
           f"{external.get('healthCheckNodePort') or '?'}) is not used or not reachable") if local is not None else \
        "a member behind the load balancer drops them"
    return Finding("lb-intermittent", "error", f"{len(lost)} of {len(front)} connections to the load-balancer "
                   f"address {front[0]['target']}:{front[0]['port']} fail ({lost[0]['outcome']}): {why}",
                   {"probes": [_line(e) for e in front], "nodes with a ready endpoint": local or "<any>"},
                   "make the load balancer health-check healthCheckNodePort (allow it in the nodes' firewall), or "
                   "use externalTrafficPolicy Cluster" if local is not None else
                   "check the load balancer's members and target health", _subject(external))


def judge_http(report, result: dict, external: dict) -> None:
    entry = report.hop("entry")
    entry.facts["http"] = {k: result[k] for k in ("target", "port", "host", "path", "outcome", "detail") if k in result}
    if "certificate" in result:
        entry.facts["certificate"] = cert_facts(result["certificate"])
        entry.judge(certificate_findings(result["certificate"], external["host"] or result["target"],
                                         _subject(external)))
    if result["outcome"] != "http":
        if not entry.status == FAIL:
            entry.fail(Finding("http-failed", "error", f"the HTTP request to {_line(result)} failed: "
                               f"{result.get('detail') or result['outcome']}", {"probe": _line(result)},
                               "check the listener on that address (TLS on a plain port, or the reverse)",
                               _subject(external)))
        return
    _status(report, result, external)


def _status(report, result: dict, external: dict) -> None:
    status, subject = result["status"], _subject(external)
    evidence = {"request": f"GET {result['path']} Host: {result['host']} -> {result['target']}:{result['port']}",
                "status": status, "answer": result.get("body", "")[:120]}
    if status < 400 or (status == 404 and external.get("noRule")):
        return  # 2xx/3xx work; a 404 for a host without rule is what the entry hop already says
    service = report.hop("service")
    if service is None:
        return  # no backend Service: the entry hop already says what the controller answers
    if status == 503 and service.status == FAIL:
        service.findings.append(Finding("http-503-no-endpoints", "info", f"HTTP 503 from outside, as expected "
                                        f"with {service.code}", evidence, "", subject))
        return
    hop = report.hop("destination") or report.hop("entry")
    hop.judge([_status_finding(status, evidence, subject)])


def _status_finding(status: int, evidence: dict, subject: str) -> Finding:
    if status in (502, 504):
        what = "refused or reset the controller's connection" if status == 502 else "did not answer the controller in time"
        return Finding("ingress-backend-failing", "error", f"HTTP {status} from outside: the backend {what}",
                       evidence, "check the backend pods (logs, readiness) and that the Service's targetPort is "
                       "the port they listen on", subject)
    if status >= 500:
        return Finding("backend-http-error", "error", f"HTTP {status} from outside: the application behind it "
                       "answers with an error", evidence, "read the backend's logs for this request", subject)
    code = "http-not-found" if status == 404 else "http-client-error"
    return Finding(code, "warning", f"HTTP {status} from outside for this path: the way in works, the "
                   "application refuses the request", evidence, "check the path, and the application's "
                   "authentication/authorization for it", subject)


def _subject(external: dict) -> str:
    return f"name {external['host']}" if external.get("host") else "the way in"


def _listed(probes: list[dict]) -> str:
    return ", ".join(f"{p['target']}:{p['port']}" for p in probes[:6])


def _line(probe: dict) -> str:
    return f"{probe['target']}:{probe['port']} ({probe.get('via', '')}): {probe['outcome']}"
