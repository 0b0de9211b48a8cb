"""Judging what the outside client saw: the name, the entry addresses, the certificate, the status. Pure.

Each conclusion is tied to the hop that explains it: DNS to the dns hop, unreachable addresses and
certificates to the entry hop, an HTTP status to the hop whose state it reflects (a 503 with no ready
endpoint is the service hop's, already said there; a backend's own 5xx is the destination's).
"""
from ..model.findings import Finding
from ..model.objects import is_ip
from .hops import FAIL, Hop

GOOD = ("connected", "http", "answered")
UNPROVEN = ("no-answer",)  # UDP silence: open and quiet, or filtered
FAKE_CERT = "Kubernetes Ingress Controller Fake Certificate"
EXPIRED, HOSTNAME_MISMATCH = 10, 62  # OpenSSL verify codes


def judge_dns(hop: Hop, result: dict, external: dict, authority: dict | None = None) -> None:
    """This machine's answer, and the zone's authoritative one when it could be asked: a wrong record
    at the source is ExternalDNS's problem; a right record this machine does not see yet is a cache."""
    host, expected, found = external["host"], external.get("expected") or [], result.get("addresses") or []
    hop.facts.update(resolved=found or "<none>", outcome=result["outcome"])
    source = authority if authority and authority["outcome"] in ("resolved", "nxdomain", "nodata") else None
    if source is not None:
        hop.facts["authoritative"] = {"server": source.get("server"), "answer": source.get("addresses") or source["outcome"]}
    evidence = {"name": host, "this machine resolves": found or result.get("detail") or result["outcome"],
                "the cluster publishes": expected or "<no address>"}
    if source is not None:
        evidence[f"authoritative ({source.get('server')})"] = source.get("addresses") or source["outcome"]
    finding = _record_problem(host, expected, source or result, evidence)
    if finding is None and source is not None and source.get("addresses") and \
            not set(found) & set(source["addresses"]):
        finding = Finding("external-dns-cached", "error", f"the zone's name server answers {host} with "
                          f"{', '.join(source['addresses'])}, but this machine's resolver says "
                          f"{', '.join(found) or result['outcome']}: an old answer cached until its TTL expires "
                          "(or a split-horizon view)", evidence, "flush the resolver's cache (resolvectl flush-caches, "
                          "or wait for the TTL); lower the record's TTL before moving addresses", f"name {host}")
    if finding is None and source is None and result["outcome"] not in ("resolved", "nxdomain"):
        finding = Finding("external-dns-failed", "error", f"resolving {host} from this machine failed "
                          f"({result.get('detail') or result['outcome']})", evidence,
                          "check this machine's resolver (/etc/resolv.conf) and the zone's name servers", f"name {host}")
    if finding is not None:
        hop.fail(finding)


def _record_problem(host: str, expected: list[str], answer: dict, evidence: dict) -> Finding | None:
    """The record itself (at the source when known, else as this machine sees it): missing or stale."""
    fix = ("check ExternalDNS: its logs, --source (service, ingress), --domain-filter, the hostname annotation, "
           "and the record in the DNS provider's zone")
    addresses = (answer.get("addresses") or []) + (answer.get("aliases") or [])
    if answer["outcome"] in ("nxdomain", "nodata"):
        return Finding("external-dns-missing", "error", f"{host} has no address record ({answer['outcome']}): "
                       "the DNS record for it is missing", evidence, fix, f"name {host}")
    if addresses and any(map(is_ip, expected)) and not set(addresses) & set(expected):
        return Finding("external-dns-stale", "error", f"{host} resolves to {', '.join(addresses)}, but the cluster "
                       f"serves it at {', '.join(expected)}: the DNS record is stale", evidence,
                       fix + "; ExternalDNS only updates records it owns (its TXT registry record)", f"name {host}")
    return None


def judge_entries(hop: Hop, entries: list[dict], external: dict) -> None:
    """Unanswered load-balancer (or Ingress) addresses, and node ports a firewall drops."""
    if hop is None:
        return
    entries = [e for e in entries if e["outcome"] not in UNPROVEN]
    front = [e for e in entries if not e["via"].startswith("node ")]
    if front and not any(e["outcome"] in GOOD for e in front):
        hop.fail(Finding("lb-unreachable", "error",
                         f"the load-balancer address {_listed(front)} does not answer from this machine "
                         f"({front[0]['outcome']}): it is not routed to the cluster, or a firewall drops it",
                         {"probes": [_line(e) for e in front]},
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
        entry.facts["certificate"] = _cert_facts(result["certificate"])
        entry.judge(_certificate(result["certificate"], external["host"] or result["target"], _subject(external)))
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


def _certificate(cert: dict, host: str, subject: str) -> list[Finding]:
    verify = cert.get("verify") or {}
    facts = _cert_facts(cert)
    evidence = {"host": host, "certificate": facts, "this machine": verify.get("message") or "trusted"}
    if (cert.get("subject") or {}).get("commonName") == FAKE_CERT:
        return [Finding("tls-default-certificate", "error", f"https for {host} is answered with the ingress "
                        f"controller's default certificate ({FAKE_CERT}): it has no certificate for this host",
                        evidence, "give the Ingress a spec.tls entry for the host with an existing, valid "
                        "kubernetes.io/tls Secret (cert-manager: check the Certificate's status)", subject)]
    if verify.get("ok"):
        return []
    if verify.get("code") == EXPIRED:
        return [Finding("tls-expired", "error", f"the certificate served for {host} expired "
                        f"({cert.get('notAfter', '?')})", evidence, "renew it (cert-manager: kubectl describe "
                        "certificate; check the issuer) and update the TLS Secret", subject)]
    if verify.get("code") == HOSTNAME_MISMATCH:
        return [Finding("tls-name-mismatch", "error", f"the certificate served for {host} is for "
                        f"{', '.join(facts['names']) or '?'}, not {host}", evidence,
                        "put a certificate for this host in the Ingress's TLS Secret (or fix spec.tls hosts)", subject)]
    return [Finding("tls-untrusted", "error", f"this machine does not trust the certificate served for {host}: "
                    f"{verify.get('message') or 'verification failed'}", evidence,
                    "use a certificate from a CA clients trust, with its full chain in tls.crt", subject)]


def _cert_facts(cert: dict) -> dict:
    subject, issuer = cert.get("subject") or {}, cert.get("issuer") or {}
    return {"subject": subject.get("commonName", "?"), "issuer": issuer.get("commonName", "?"),
            "names": cert.get("dnsNames") or [], "notAfter": cert.get("notAfter", "?"),
            "trusted": bool((cert.get("verify") or {}).get("ok"))}


def _subject(external: dict) -> str:
    return f"name {external['host']}" if external.get("host") else "the way in"


def _listed(probes: list[dict]) -> str:
    return ", ".join(f"{p['target']}:{p['port']}" for p in probes[:6])


def _line(probe: dict) -> str:
    return f"{probe['target']}:{probe['port']} ({probe.get('via', '')}): {probe['outcome']}"
