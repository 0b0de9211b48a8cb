"""`kubectl netpath external ...` run inside the simulator's outside namespace (the user's machine):
real DNS from its resolver, real packets to node ports, LoadBalancer and Ingress addresses, real TLS.

Each case of tests/scenarios/netpath/outside has one fault (or none) and must come out with the
right verdict and the right first finding (the failing hop's code, or the first finding)."""
import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT, hop

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/outside"],
                                                       indirect=True)]


def outside(sim, *args: str) -> tuple[int, dict]:
    """The plugin as a user outside the cluster runs it: its process lives in the outside namespace."""
    env = {**os.environ, "KUBECONFIG": sim.kubeconfig, "PYTHONPATH": str(ROOT / "plugins")}
    argv = [sys.executable, "-c", "from netdebug.cli.netpath import main; main()", "external", *args,
            "-n", "web", "--timeout", "1", "-o", "json"]
    result = subprocess.run(["ip", "netns", "exec", sim.outside_netns, *argv], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def first_problem(report: dict) -> str | None:
    broken = next((h for h in report["hops"] if h["status"] == "fail"), None)
    problems = [f["code"] for f in report["findings"] if f["severity"] != "info"]
    return broken["code"] if broken else (problems[0] if problems else None)


@pytest.mark.parametrize("dst,verdict,first", [
    ("svc/web-np", "reachable", None),
    ("svc/web-np-filtered", "blocked at entry", "nodeport-filtered"),
    ("svc/web-lb", "reachable", None),
    ("http://web.example.com/", "reachable", None),  # an ExternalDNS name on a LoadBalancer (was exit 2)
    ("svc/web-lb-unrouted", "blocked at entry", "lb-unreachable"),
    ("svc/web-lb-pending", "reachable", "lb-pending"),  # no address yet; its node ports work
    ("svc/one-local", "reachable", None),
    ("svc/one-unhealthy", "blocked at entry", "lb-intermittent"),  # the LB ignores its health check  # node-2 drops by design: the LB health check skips it (info)
    ("http://shop.example.com/", "reachable", None),  # TLS host: 308 to https
    ("https://shop.example.com/", "reachable", None),
    ("http://old.example.com/", "blocked at entry", "ingress-no-rule-for-host"),
    ("https://nosecret.example.com/", "blocked at entry", "ingress-tls-secret-missing"),
    ("https://wrongname.example.com/", "blocked at entry", "tls-name-mismatch"),
    ("https://expired.example.com/", "blocked at entry", "tls-expired"),
    ("http://down.example.com/", "blocked at service", "endpoints-not-ready"),
    ("http://failing.example.com/", "blocked at destination", "backend-http-error"),
    ("http://nobackend.example.com/", "blocked at entry", "ingress-backend-missing"),
    ("http://www.sites.example.com/", "reachable", None),  # a wildcard rule, published by annotation
    ("http://vault.example.com/", "blocked at destination", "mesh-mtls-required"),  # the controller is no mesh peer
    ("http://missing.example.com/", "blocked at dns", "external-dns-missing"),
    ("http://stale.example.com/", "blocked at dns", "external-dns-stale"),
    ("http://cached.example.com/", "blocked at dns", "external-dns-cached"),  # right at the source, old here
])
def test_outside_in(sim_cluster, dst, verdict, first):
    code, report = outside(sim_cluster, dst)
    assert (report["verdict"], first_problem(report)) == (verdict, first), report["findings"]
    assert code == (0 if verdict == "reachable" else 1)
    assert report["probes"] and all(p["from"] == "this machine" for p in report["probes"])


def test_udp_node_port_answers_from_outside(sim_cluster):
    code, report = outside(sim_cluster, "svc/echo-udp", "--protocol", "UDP")
    assert (code, report["verdict"]) == (0, "reachable")
    assert {p["kind"]: p["outcome"] for p in report["probes"]} == {"udp": "answered"}


def test_http_probe_sends_the_url_host_to_the_ingress_address(sim_cluster):
    """Regression: the HTTP probe sent `Host: 203.0.113.10`, and a 404 from the default backend passed."""
    _, report = outside(sim_cluster, "http://plain.example.com/")
    http = next(p for p in report["probes"] if p["kind"] == "http")
    assert (http["target"], http["host"], http["status"]) == ("203.0.113.10", "plain.example.com", 200)


def test_plain_http_to_a_host_whose_tls_secret_is_missing_is_not_a_tls_problem(sim_cluster):
    """Regression: http://admin.example.com/ reported ingress-tls-secret-missing for a plain-http URL."""
    code, report = outside(sim_cluster, "http://nosecret.example.com/")
    assert (code, report["verdict"]) == (0, "reachable")
    assert not [f for f in report["findings"] if f["code"].startswith(("ingress-tls", "tls-"))]
    assert "tls" not in hop(report, "entry")["facts"]


def test_default_certificate_is_recognised(sim_cluster):
    _, report = outside(sim_cluster, "https://nosecret.example.com/")
    codes = [f["code"] for f in report["findings"]]
    assert codes[:2] == ["ingress-tls-secret-missing", "tls-default-certificate"]
    assert hop(report, "entry")["facts"]["certificate"]["subject"] == "Kubernetes Ingress Controller Fake Certificate"


def test_etp_local_drop_is_expected_not_a_firewall(sim_cluster):
    _, report = outside(sim_cluster, "svc/one-local")
    node_probes = {p["via"]: p["outcome"] for p in report["probes"] if p["via"].startswith("node ")}
    assert node_probes == {"node node-1": "connected", "node node-2": "timeout"}
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("etp-local-no-endpoints", "info")]


def test_stale_record_is_probed_and_the_real_address_still_answers(sim_cluster):
    _, report = outside(sim_cluster, "http://stale.example.com/")
    assert next(p for p in report["probes"] if p["role"] == "resolved")["outcome"] == "timeout"  # 203.0.113.99
    http = next(p for p in report["probes"] if p["kind"] == "http")
    assert (http["target"], http["status"]) == ("203.0.113.32", 200)


def test_kubectl_plugin_runs_unchanged_outside(sim_cluster):
    """`kubectl netpath external URL` as a user types it: kubectl finds the plugin on PATH."""
    from tests.conftest import kubectl_path

    bin_dir = os.path.dirname(kubectl_path())
    if not os.path.exists(os.path.join(bin_dir, "kubectl-netpath")):
        pytest.skip("kubectl-netpath is not installed beside this Python (pip install -e .)")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT / "plugins"),
           "KUBECONFIG": sim_cluster.kubeconfig}
    result = subprocess.run(["ip", "netns", "exec", sim_cluster.outside_netns, kubectl_path(), "netpath", "external",
                             "https://shop.example.com/", "-n", "web", "--no-color"], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "verdict: reachable" in result.stdout and "certificate shop.example.com" in result.stdout
