"""The static walk from manifests (-f): every seed area, healthy and broken, and bad input."""
import io
import json
import subprocess
import sys

import pytest

from netdebug.errors import InputError, NotFoundError
from netdebug.render.netpath_text import render
from netdebug.render.style import Style

from .conftest import ROOT, SCENARIOS, codes, hop, netpath, offline


def test_pod_to_pod_same_and_other_node():
    code, report = offline("pods", "app/client", "app/server-near")
    assert (code, report["verdict"], report["port"]) == (0, "reachable", 8080)
    assert hop(report, "policy")["facts"]["checks"][0]["node"] == hop(report, "policy")["facts"]["sourceNode"]
    code, report = offline("pods", "app/client", "app/server-far", "--port", "http")
    assert code == 0 and hop(report, "policy")["facts"]["checks"][0]["node"] == "node-2"


def test_policy_denies_with_the_deciding_policy_and_a_fix():
    code, report = offline("pods", "app/client", "app/locked")
    assert (code, report["verdict"]) == (1, "blocked at policy")
    assert hop(report, "policy") | {"facts": None} == {"name": "policy", "status": "fail", "code": "policy-denied", "facts": None}
    check = hop(report, "policy")["facts"]["checks"][0]
    assert check["ingress"]["policies"] == ["app/locked-ingress"] and not check["ingress"]["allowed"]
    finding = report["findings"][0]
    assert finding["code"] == "policy-denied" and "app/locked-ingress" in finding["fix"] and "{app: client}" in finding["fix"]


def test_container_to_container_skips_policy():
    code, report = offline("containers", "app/duo", "app/duo", "-c", "sidecar", "--to-container", "web")
    assert code == 0 and hop(report, "policy")["facts"] == {"localhost": True}
    assert hop(report, "destination")["facts"]["pods"][0]["declaredBy"] == "web"


def test_service_selector_typo_blocks_at_service():
    code, report = offline("services", "shop/client", "svc/typo")
    assert (code, report["verdict"]) == (1, "blocked at service")
    assert hop(report, "service")["code"] == "selector-no-match"


def test_short_name_in_other_namespace_blocks_at_dns_and_walks_on():
    code, report = offline("services", "shop/client", "api")
    assert report["verdict"] == "blocked at dns" and hop(report, "dns")["code"] == "dns-short-name-other-namespace"
    assert hop(report, "service")["facts"]["service"] == "data/api"
    code, report = offline("services", "shop/client", "api.data")
    assert (code, report["verdict"]) == (0, "reachable")


def test_wrong_target_port_is_unknown_until_probed():
    code, report = offline("services", "shop/client", "svc/wrongport")
    assert (code, report["verdict"]) == (1, "unknown")
    assert "target-port-not-exposed" in codes(report) and hop(report, "destination")["code"] == "port-not-declared"


def test_healthy_service_maps_named_target_port_on_each_backend():
    code, report = offline("services", "shop/client", "web")
    mapping = hop(report, "service")["facts"]["port"]
    assert code == 0 and mapping["targetPorts"] == {"shop/web-1": 8080, "shop/web-2": 8080}
    assert hop(report, "dns")["facts"]["addresses"] == ["10.96.10.1"]


def test_egress_policy_without_dns_blocks_at_dns(tmp_path):
    policy = tmp_path / "deny-egress.yaml"
    policy.write_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-web, namespace: shop}\n"
                      "spec:\n  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n"
                      "  egress:\n  - to: [{podSelector: {matchLabels: {app: web}}}]\n")
    code, out = netpath("shop/client", "web", "-f", str(SCENARIOS / "services"), "-f", str(policy))
    assert code == 1 and "policy-blocks-dns" in out and "blocked at dns" in out


def test_external_nodeport_ingress_class_and_not_exposed():
    code, report = offline("external", "external", "svc/web-np", "-n", "shop")
    entry = hop(report, "entry")["facts"]
    assert code == 0 and entry["nodePort"] == 30080 and {a["address"] for a in entry["nodeAddresses"]} == {"172.18.0.2", "172.18.0.3"}
    code, report = offline("external", "external", "http://noclass.example.com/")
    assert report["verdict"] == "blocked at entry" and hop(report, "entry")["code"] == "ingress-class-missing"
    assert hop(report, "service")["facts"]["port"]["port"] == 80
    code, report = offline("external", "external", "svc/internal", "-n", "shop")
    assert hop(report, "entry")["code"] == "service-not-exposed"


@pytest.mark.parametrize("args,error,message", [
    (("app/nobody", "app/client"), NotFoundError, "Pod nobody not found in namespace app"),
    (("app/client", "svc/nope", "-n", "app"), NotFoundError, "Service nope not found"),
    (("app/client", "app/server-near", "-c", "sidecar"), InputError, "-c sidecar: pod app/client has containers main"),
    (("app/client", "app/server-near", "--port", "grpc"), InputError, "declares a TCP port named 'grpc'"),
    (("app/client", "ftp://x/"), InputError, "only http:// and https://"),
    (("app/client", "app/server-near", "-l", "app=x"), InputError, "-l/--selector does not apply to"),
])
def test_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        netpath(*args, "-f", str(SCENARIOS / "pods"))


def test_bad_input_is_one_line_and_exit_2():
    result = subprocess.run([sys.executable, str(ROOT / "kubectl-netpath"), "app/nobody", "app/client", "-f",
                             str(SCENARIOS / "pods")], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")


def test_offline_run_does_not_import_kubernetes():
    code = ("import sys; from netdebug.cli.netpath import main\n"
            "try:\n    main(['app/client', 'app/locked', '-f', %r])\nexcept SystemExit as e:\n"
            "    assert 'kubernetes' not in sys.modules; print(e.code)" % str(SCENARIOS / "pods"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip().endswith("1"), result.stderr


def test_externalname_is_a_cname_to_an_outside_destination():
    code, report = offline("services", "shop/client", "payments:443")
    assert hop(report, "dns")["facts"]["cname"] == "payments.example.com"
    assert hop(report, "destination")["facts"] == {"outside": "payments.example.com"}
    assert (code, report["verdict"]) == (1, "unknown")


def test_workload_source_names_the_chosen_pod():
    code, report = netpath("deploy/frontend", "svc/backend", "-n", "shop", "-f", str(ROOT / "examples" / "shop"), "-o", "json")
    report = json.loads(report)
    assert hop(report, "source")["facts"]["chosenFrom"] == "Deployment shop/frontend" and code == 0


def test_colour_only_when_asked():
    _, out = netpath("app/client", "app/locked", "-f", str(SCENARIOS / "pods"), "-o", "json")
    coloured, plain = io.StringIO(), io.StringIO()
    render(json.loads(out), coloured, Style(color=True))
    render(json.loads(out), plain, Style(color=False))
    assert "\033[" in coloured.getvalue() and "\033[" not in plain.getvalue()
    assert "<- first broken hop: policy-denied" in plain.getvalue()


def test_host_network_source_makes_policy_cni_defined():
    code, report = offline("pods", "app/node-agent", "app/locked")
    policy = hop(report, "policy")
    assert policy["status"] == "unknown" and policy["code"] == "policy-cni-defined"
    assert hop(report, "source")["facts"]["hostNetwork"] is True and report["verdict"] == "unknown"


def test_unreachable_api_server_is_exit_3(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                          "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n"
                          "users: [{name: u, user: {token: t}}]\n"
                          "contexts: [{name: c, context: {cluster: c, user: u}}]\n")
    result = subprocess.run([sys.executable, str(ROOT / "kubectl-netpath"), "app/client", "app/server", "--kubeconfig",
                             str(kubeconfig), "--request-timeout", "2"], capture_output=True, text=True)
    assert result.returncode == 3 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_external_entry_hop_shows_only_what_the_path_uses():
    """Regression (examples/external-access): http://admin.example.com/ reported the Ingress's missing TLS
    Secret for a plain-http URL, and mixed in the pending state of the backend LoadBalancer."""
    code, out = netpath("external", "http://admin.example.com/", "-f", str(ROOT / "examples" / "external-access"),
                        "-o", "json")
    report = json.loads(out)
    assert [f["code"] for f in report["findings"]] == [] and report["verdict"] == "reachable" and code == 0
    code, out = netpath("external", "https://admin.example.com/", "-f", str(ROOT / "examples" / "external-access"),
                        "-o", "json")
    assert json.loads(out)["hops"][2]["code"] == "ingress-tls-secret-missing" and code == 1
