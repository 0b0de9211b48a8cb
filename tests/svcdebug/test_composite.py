"""Composite svcdebug scenarios on the simulated cluster: several facts at once (multi-port Services,
several policies, enforcing and non-enforcing CNI, sidecars, an odd endpoint, a closed second port,
eTP Local, a broken ClusterIP), each pinned by its exit code, verdict, the findings that must and must
not appear, and words of the first line. Plus the issue's Why case `examples/policy-blocking`."""
import json

import pytest

from .conftest import svcdebug

pytestmark = pytest.mark.sim
COMPOSITE = "tests/scenarios/svcdebug/composite"

# scenario, service, exit code, verdict, findings that must appear (code, severity), codes (or (code,
# severity)) that must not, words of the summary line (first line)
CASES = [
    ("half-serving", "api", 1, "error", {("not-listening", "error")},
     {"clusterip-path-broken", "hairpin-broken", "service-unreachable"}, "shop/api-canary do not serve it"),
    ("wrong-target-port", "web", 1, "error", {("not-listening", "error")},
     {"target-port-not-exposed", "clusterip-path-broken", "hairpin-broken"}, "targetPort 8081, but the app listens on 8080"),
    ("multiport-policy-enforced", "web", 1, "error", {("policy-blocks-ingress", "error")},
     {"not-listening", "clusterip-path-broken", "hairpin-broken", "dropped-unexplained"}, "the probes confirm it"),
    ("unenforced-policy-sidecars", "reviews", 0, "warning",
     {("policy-not-enforced", "warning"), ("policy-blocks-ingress", "info"), ("mesh-sidecar", "info")},
     {"not-listening", "dropped-unexplained", "service-unreachable"}, "works, with 1 warning"),
    ("loopback-only", "api", 1, "error", {("listening-loopback-only", "error")},
     {"not-listening", "clusterip-path-broken", "hairpin-broken"}, "only on loopback (127.0.0.1:8080)"),
    ("egress-denied-enforced", "web", 1, "error", {("policy-blocks-egress", "error")},
     {"dropped-unexplained", "clusterip-path-broken", "hairpin-broken", "policy-blocks-ingress"}, "denies 2 of 2 client pod(s)"),
    ("one-not-ready", "web", 0, "warning", {("endpoints-not-ready", "warning")},
     {"not-listening", "dropped-unexplained", "clusterip-path-broken"}, "works, with 1 warning"),
    ("lb-etp-local-one-replica", "web", 0, "ok", {("etp-local-no-endpoints", "info")},
     {"lb-pending"}, "no problem found"),
    ("clusterip-broken-multiport", "web", 1, "error", {("clusterip-path-broken", "error")},
     {"not-listening", "hairpin-broken", "dropped-unexplained"}, "answer directly, but its ClusterIP does not"),
    ("named-port-two-versions", "api", 0, "ok", set(),
     {"not-listening", "named-port-unresolved", "target-port-not-exposed"}, "no problem found"),
    ("closed-second-port-enforced", "web", 1, "error", {("not-listening", "error")},
     {("policy-blocks-ingress", "error"), "clusterip-path-broken", "hairpin-broken", "dropped-unexplained"},
     "refuse 9100/TCP: nothing listens there"),  # the info: default-deny denies the backends each other
    ("udp-and-tcp", "resolver", 0, None, set(), {"not-listening", "clusterip-path-broken", "service-unreachable"}, ""),
]


def run(kubeconfig: str, service: str, *args: str) -> tuple[int, dict, str]:
    base = ("-n", "shop", service, "--kubeconfig", kubeconfig, "--timeout", "1") if "-n" not in args else \
        (service, "--kubeconfig", kubeconfig, "--timeout", "1")
    code, out = svcdebug(*base, *args, "-o", "json")
    _, text = svcdebug(*base, *args, "--no-color")
    return code, json.loads(out), text


@pytest.mark.parametrize("sim_cluster,service,code,verdict,present,absent,words",
                         [(f"{COMPOSITE}/{case[0]}", *case[1:]) for case in CASES], indirect=["sim_cluster"],
                         ids=[case[0] for case in CASES])
def test_composite(sim_cluster, service, code, verdict, present, absent, words):
    exit_code, report, text = run(sim_cluster.kubeconfig, service)
    found = {(f["code"], f["severity"]) for f in report["findings"]}
    assert exit_code == code and (verdict is None or report["verdict"] == verdict), (report["summary"], found)
    if verdict is None:
        assert report["verdict"] != "error", found
    assert present <= found, found
    assert not absent & ({c for c, _ in found} | found), found
    assert words in text.splitlines()[0], text.splitlines()[0]


@pytest.mark.parametrize("sim_cluster", [f"{COMPOSITE}/lb-etp-local-one-replica"], indirect=True)
def test_loadbalancer_header_shows_its_external_address(sim_cluster):
    _, report, text = run(sim_cluster.kubeconfig, "web")
    assert report["externalAddresses"] == ["203.0.113.30"] and "(external 203.0.113.30)" in text.splitlines()[1]


@pytest.mark.parametrize("sim_cluster", ["examples/policy-blocking"], indirect=True)
def test_why_policy_blocking(sim_cluster):
    """Issue 10's first Why case: every client probe times out; api-from-web admits the Service port 80,
    the pods listen on the targetPort 8080."""
    code, report, text = run(sim_cluster.kubeconfig, "api", "-n", "payments")
    assert code == 1 and report["verdict"] == "error"
    assert text.splitlines()[0].startswith("✘ Service payments/api: broken: NetworkPolicy")
    first = report["findings"][0]
    assert (first["code"], first["severity"]) == ("policy-blocks-ingress", "error")
    assert "payments/api-from-web ingress rule 0" in first["fix"] and "80 -> 8080" in first["fix"]
    assert "pod-template-hash" not in first["fix"]
    clients = [p for p in report["probes"] if p["kind"] == "tcp" and p["from"].startswith("payments/web-")]
    assert clients and {p["outcome"] for p in clients} == {"timeout"}
