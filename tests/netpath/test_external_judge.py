"""What outside observations mean (diagnose/external_judge.py), without a cluster: hand-made results."""
import pytest

from netdebug.diagnose.external_dns import judge_dns
from netdebug.diagnose.external_judge import judge_entries, judge_http
from netdebug.diagnose.hops import Hop

EXPECTED = {"host": "shop.example.com", "expected": ["203.0.113.10"], "type": "NodePort", "localNodes": None}


@pytest.mark.parametrize("result,code", [
    ({"outcome": "resolved", "addresses": ["203.0.113.10", "203.0.113.11"]}, None),  # one right address is enough
    ({"outcome": "resolved", "addresses": ["198.51.100.7"]}, "external-dns-stale"),
    ({"outcome": "nxdomain", "addresses": [], "detail": "Name or service not known"}, "external-dns-missing"),
    ({"outcome": "timeout", "addresses": [], "detail": "no answer within 2s"}, "external-dns-failed"),
])
def test_dns(result, code):
    hop = Hop("dns")
    judge_dns(hop, result, EXPECTED)
    assert hop.code == code


@pytest.mark.parametrize("resolver,authority,code", [
    (["203.0.113.77"], {"outcome": "resolved", "addresses": ["203.0.113.10"]}, "external-dns-cached"),
    ([], {"outcome": "resolved", "addresses": ["203.0.113.10"]}, "external-dns-cached"),  # negative answer cached
    (["203.0.113.99"], {"outcome": "resolved", "addresses": ["203.0.113.99"]}, "external-dns-stale"),
    (["203.0.113.10"], {"outcome": "nxdomain", "addresses": []}, "external-dns-missing"),  # deleted at the source
    (["203.0.113.10"], {"outcome": "error", "detail": "no NS record"}, None),  # no authority: this machine decides
])
def test_dns_with_the_authoritative_answer(resolver, authority, code):
    hop = Hop("dns")
    result = {"outcome": "resolved" if resolver else "nxdomain", "addresses": resolver}
    judge_dns(hop, result, EXPECTED, {**authority, "server": "ns1.example.com (192.0.2.53)"})
    assert hop.code == code


@pytest.mark.parametrize("authority,code", [
    ({"outcome": "resolved", "addresses": [], "aliases": ["a1.elb.example.net"]}, None),  # CNAME to the LB's name
    ({"outcome": "resolved", "addresses": [], "aliases": ["old.elb.example.net"]}, "external-dns-stale"),
    (None, None),
])
def test_dns_for_a_load_balancer_known_by_name(authority, code):
    """The cluster shows a hostname (cloud LB): compared through what that name resolves to, never as text."""
    hop = Hop("dns")
    external = {**EXPECTED, "expected": ["a1.elb.example.net", "192.0.2.10", "192.0.2.11"]}
    judge_dns(hop, {"outcome": "resolved", "addresses": ["192.0.2.11"]}, external,
              {**authority, "server": "ns1 (192.0.2.53)"} if authority else None)
    assert hop.code == code


def test_dns_without_a_published_address_is_not_stale():
    hop = Hop("dns")
    judge_dns(hop, {"outcome": "resolved", "addresses": ["192.0.2.1"]}, {**EXPECTED, "expected": []})
    assert hop.status == "ok"


def entry(address, outcome, via="loadBalancer", port=80):
    return {"target": address, "port": port, "via": via, "outcome": outcome}


def test_silent_load_balancer():
    hop = Hop("entry")
    judge_entries(hop, [entry("203.0.113.10", "timeout"), entry("172.18.0.2", "connected", "node node-1", 30080)],
                  {**EXPECTED, "type": "LoadBalancer"})
    assert hop.code == "lb-unreachable"


def test_a_load_balancer_hostname_that_does_not_resolve_is_no_firewall_matter():
    hop = Hop("entry")
    judge_entries(hop, [entry("a1b2.elb.us-east-1.amazonaws.com", "nxdomain")], {**EXPECTED, "type": "LoadBalancer"})
    assert hop.code == "lb-unreachable" and "does not resolve" in hop.findings[0].message
    assert "firewall drops" not in hop.findings[0].message


def test_some_connections_to_the_load_balancer_fail():
    hop = Hop("entry")
    judge_entries(hop, [entry("203.0.113.36", "connected"), entry("203.0.113.36", "timeout")],
                  {**EXPECTED, "type": "LoadBalancer", "localNodes": ["node-1"], "healthCheckNodePort": 31234})
    assert hop.code == "lb-intermittent" and "31234" in hop.findings[0].message


@pytest.mark.parametrize("outcomes,local,expected", [
    (("timeout", "timeout"), None, ("fail", "error")),
    (("connected", "timeout"), None, ("ok", "warning")),
    (("connected", "timeout"), ["node-1"], ("ok", None)),  # eTP Local: node-2 has no endpoint, drops by design
    (("no-answer", "no-answer"), None, ("ok", None)),  # UDP silence proves nothing
])
def test_node_ports(outcomes, local, expected):
    hop = Hop("entry")
    nodes = [entry(f"172.18.0.{i + 2}", o, f"node node-{i + 1}", 30080) for i, o in enumerate(outcomes)]
    judge_entries(hop, nodes, {**EXPECTED, "localNodes": local})
    severity = hop.findings[0].severity if hop.findings else None
    assert (hop.status, severity) == expected


class Report:
    def __init__(self, service_status="ok"):
        self.hops = [Hop("entry"), Hop("service", status=service_status, code="no-endpoints"
                                      if service_status == "fail" else None), Hop("destination")]

    def hop(self, name):
        return next((h for h in self.hops if h.name == name), None)


def http(status=200, certificate=None, outcome="http"):
    found = {"target": "203.0.113.10", "port": 443, "host": "shop.example.com", "path": "/", "outcome": outcome,
             "detail": str(status), "status": status, "body": ""}
    return {**found, "certificate": certificate} if certificate else found


@pytest.mark.parametrize("status,service,hop,code", [
    (200, "ok", None, None), (308, "ok", None, None),
    (503, "fail", None, None),  # no ready endpoint: the service hop already says so
    (503, "ok", "destination", "backend-http-error"),
    (502, "ok", "destination", "ingress-backend-failing"), (504, "ok", "destination", "ingress-backend-failing"),
    (404, "ok", "destination", "http-not-found"), (401, "ok", "destination", "http-client-error"),
])
def test_status(status, service, hop, code):
    report = Report(service)
    judge_http(report, http(status), EXPECTED)
    found = [(h.name, f.code) for h in report.hops for f in h.findings if f.code != "http-503-no-endpoints"]
    assert found == ([(hop, code)] if code else [])


def cert(cn="shop.example.com", names=("shop.example.com",), verify=None):
    return {"subject": {"commonName": cn}, "issuer": {"commonName": "CA"}, "dnsNames": list(names),
            "notAfter": "Jan  1 00:00:00 2030 GMT", "verify": verify or {"ok": True}}


@pytest.mark.parametrize("certificate,code", [
    (cert(), None),
    (cert("Kubernetes Ingress Controller Fake Certificate", ["ingress.local"],
          {"ok": False, "code": 18, "message": "self-signed certificate"}), "tls-default-certificate"),
    (cert(verify={"ok": False, "code": 10, "message": "certificate has expired"}), "tls-expired"),
    (cert("other.example.com", ["other.example.com"], {"ok": False, "code": 62, "message": "Hostname mismatch"}),
     "tls-name-mismatch"),
    (cert(verify={"ok": False, "code": 20, "message": "unable to get local issuer certificate"}), "tls-untrusted"),
])
def test_certificates(certificate, code):
    report = Report()
    judge_http(report, http(200, certificate), EXPECTED)
    assert report.hop("entry").code == code
    assert report.hop("entry").facts["certificate"]["trusted"] is (code is None)


def test_no_http_answer_fails_the_entry():
    report = Report()
    judge_http(report, {**http(), "outcome": "reset", "detail": "connection reset"}, EXPECTED)
    assert report.hop("entry").code == "http-failed"
