"""Offline (-f) runs on the svcdebug scenarios: each finding code with its evidence, and the goldens."""
import json
import subprocess
import sys

import pytest

from netdebug.errors import InputError, NotFoundError

from .conftest import ROOT, SCENARIOS, codes, finding, offline_json, svcdebug


def test_healthy_service_has_no_error_and_exits_0():
    code, report = offline_json("healthy", "shop/web")
    assert code == 0 and report["verdict"] == "ok"
    assert not [f for f in report["findings"] if f["severity"] != "info"]
    assert any("offline" in note for note in report["notes"])


def test_healthy_dns_service():
    code, report = offline_json("healthy", "kube-dns", "-n", "kube-system")
    assert code == 0 and report["findings"] == []
    assert report["ports"] == ["53/UDP (dns)", "53/TCP (dns-tcp)"]


def test_service_not_found_suggests_similar_names_and_other_namespaces():
    code, report = offline_json("healthy", "shop/wbe")
    item = finding(report, "service-not-found")
    assert code == 1 and item["evidence"]["similar names"] == ["web"]
    code, report = offline_json("healthy", "default/web")
    item = finding(report, "service-not-found")
    assert item["evidence"]["same name in namespaces"] == ["shop"] and "shop/web" in item["fix"]


def test_selector_no_match_names_the_nearest_pod_and_differing_label():
    code, report = offline_json("selector-no-match", "svc/frontend", "-n", "shop")
    item = finding(report, "selector-no-match")
    assert code == 1 and item["severity"] == "error"
    assert item["evidence"]["selector"] == "app=frontend,tier=web"
    assert item["evidence"]["nearest pods"] == [
        {"pod": "shop/frontend", "differs": ["selector app=frontend, pod has app=front-end"]}]


def test_selectorless_without_endpoints_is_an_error_but_with_a_slice_is_fine():
    code, report = offline_json("selectorless", "shop/external-db")
    assert code == 1 and finding(report, "selectorless-no-endpoints")["evidence"]["selector"] == "<none>"
    code, report = offline_json("selectorless", "shop/legacy-db")
    assert code == 0 and report["endpoints"] == {"source": "EndpointSlice", "ready": 1, "total": 1}


@pytest.mark.parametrize("service,code_,severity,evidence", [
    ("not-exposed", "target-port-not-exposed", "warning", {"targetPort": 9999, "declared ports": {"shop/app": ["8080/TCP (http)"]}}),
    ("named-unresolved", "named-port-unresolved", "error", {"targetPort": "web", "pods": ["shop/app"]}),
    ("wrong-protocol", "port-protocol-mismatch", "error", {"declared on pods": {"shop/app": ["8080/TCP (http)"]}}),
    ("string-number", "target-port-string-number", "error", {"targetPort": "'8080'"}),
])
def test_port_findings(service, code_, severity, evidence):
    code, report = offline_json("ports", f"shop/{service}")
    item = finding(report, code_)
    assert item["severity"] == severity and code == (1 if severity == "error" else 0)
    for key, value in evidence.items():
        assert item["evidence"][key] == value
    assert codes(report) == {code_}


def test_a_right_port_has_no_port_finding():
    code, report = offline_json("ports", "shop/right")
    assert code == 0 and codes(report) == set()


def test_type_findings_offline():
    _, report = offline_json("types", "shop/web-nodeport")
    assert finding(report, "nodeport-facts")["evidence"] == {
        "node ports": ["30080/TCP -> 80"], "node addresses": ["node-1 172.18.0.2", "node-2 172.18.0.3"]}
    code, report = offline_json("types", "shop/payments")
    assert code == 1 and finding(report, "externalname-unresolvable")["evidence"]["externalName"] == "https://payments.example.com"
    _, report = offline_json("types", "shop/db")
    assert finding(report, "headless-service")["evidence"]["StatefulSets using it (per-pod names POD.db.shop.svc)"] == ["shop/db"]
    _, report = offline_json("types", "shop/cache")
    assert finding(report, "statefulset-service-not-headless")["evidence"]["statefulSets"] == ["shop/cache"]
    _, report = offline_json("types", "shop/web-lb")
    assert "lb-pending" not in codes(report)  # files carry no status: only a live cluster can tell


def test_ingress_findings_offline():
    code, report = offline_json("ingress", "shop/web")
    assert code == 1
    assert finding(report, "ingress-backend-port-missing")["evidence"]["backend port"] == 8081
    assert finding(report, "ingress-class-missing")["evidence"] == {"ingressClassName": "haproxy", "IngressClasses": ["nginx"]}
    assert finding(report, "ingress-tls-secret-missing")["evidence"]["secretName"] == "shop-tls"
    assert not codes(report) & {"ingress-no-address", "externaldns-no-target"}


def test_policy_blocks_the_from_pod_naming_the_policies():
    code, report = offline_json("policy", "shop/web", "--from", "shop/client")
    item = finding(report, "policy-blocks-ingress")
    assert code == 1 and item["severity"] == "error"
    assert item["evidence"]["policies"] == ["shop/default-deny", "shop/web-from-frontend"]
    assert item["evidence"]["denied"][0].startswith("shop/client -> shop/web:8080/TCP")


def test_policy_for_same_namespace_clients_is_only_a_warning():
    code, report = offline_json("policy", "shop/web")
    assert code == 0 and finding(report, "policy-blocks-ingress")["severity"] == "warning"


def test_ingress_controller_is_the_client_when_an_ingress_routes_here():
    _, report = offline_json("healthy", "shop/web")
    assert "policy-blocks-ingress" not in codes(report)


def test_mesh_sidecar_noted():
    _, report = offline_json("mesh", "shop/reviews")
    assert finding(report, "mesh-sidecar")["evidence"] == {"pods": ["shop/reviews"], "mesh": ["Istio"]}


def test_port_filter_and_bad_input():
    code, report = offline_json("healthy", "shop/web", "--port", "http")
    assert report["ports"] == ["80/TCP (http)"]
    with pytest.raises(InputError, match="has no port 81"):
        svcdebug("shop/web", "-f", str(SCENARIOS / "healthy"), "--port", "81")
    with pytest.raises(InputError, match="unknown kind 'b'"):
        svcdebug("a/b/c", "-f", str(SCENARIOS / "healthy"))
    with pytest.raises(NotFoundError, match="Pod nobody not found in namespace shop"):
        svcdebug("shop/web", "-f", str(SCENARIOS / "healthy"), "--from", "nobody")


@pytest.mark.parametrize("scenario,service", [
    ("selector-no-match", "shop/frontend"), ("ports", "shop/named-unresolved"), ("ingress", "shop/web"),
    ("healthy", "shop/web"), ("types", "shop/db"), ("healthy", "shop/wbe"),
])
def test_golden_text_and_json(golden, scenario, service):
    stem = f"{scenario}-{service.split('/')[1]}"
    _, text = svcdebug(service, "-f", str(SCENARIOS / scenario), "--no-color")
    golden(f"{stem}.txt", text)
    _, js = svcdebug(service, "-f", str(SCENARIOS / scenario), "-o", "json")
    golden(f"{stem}.json", js)


def test_offline_cli_exit_codes_and_no_kubernetes_import():
    script = ("import sys\nfrom netdebug.cli.svcdebug import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
              "assert 'kubernetes' not in sys.modules, 'kubernetes imported'\nsys.exit(code)\n")
    def run(*args):
        return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                              cwd=ROOT / "plugins")
    ok = run("shop/web", "-f", str(SCENARIOS / "healthy"))
    assert ok.returncode == 0, ok.stderr
    broken = run("shop/frontend", "-f", str(SCENARIOS / "selector-no-match"))
    assert broken.returncode == 1 and "selector-no-match" in broken.stdout
    bad = run("shop/web", "-f", str(SCENARIOS / "healthy"), "--port", "81")
    assert bad.returncode == 2 and bad.stderr.strip() == "error: Service shop/web has no port 81 (ports: 80/TCP (http))"
    missing = run("web", "-f", str(SCENARIOS / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_yaml_output_has_the_same_report():
    import yaml

    _, text = svcdebug("shop/frontend", "-f", str(SCENARIOS / "selector-no-match"), "-o", "yaml")
    report = yaml.safe_load(text)
    assert report["verdict"] == "error" and report["findings"][0]["code"] == "selector-no-match"


def test_unreachable_cluster_exits_3(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {token: x}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n")
    done = subprocess.run([sys.executable, str(ROOT / "kubectl-svcdebug"), "web", "--kubeconfig", str(kubeconfig),
                           "--request-timeout", "2"], capture_output=True, text=True)
    assert done.returncode == 3 and done.stderr.startswith("error: cannot reach the API server")
    assert "Traceback" not in done.stderr


def test_denial_names_the_rule_that_admits_the_client_on_another_port(tmp_path):
    (tmp_path / "x.yaml").write_text("""
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-metrics-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: 9090}]
""")
    code, out = svcdebug("shop/web", "-f", str(tmp_path), "--from", "client", "-o", "json")
    item = finding(json.loads(out), "policy-blocks-ingress")
    assert code == 1 and item["evidence"]["denied"] == [
        "shop/client -> shop/web:8080/TCP: no rule of shop/web-metrics-only admits it "
        "(ingress admits TCP 9090 from this client via shop/web-metrics-only ingress rule 0)"]


def test_egress_policy_of_the_client_blocks(tmp_path):
    (tmp_path / "x.yaml").write_text("""
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-dns-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 53, protocol: UDP}]
""")
    code, out = svcdebug("shop/web", "-f", str(tmp_path), "--from", "client", "-o", "json")
    report = json.loads(out)
    item = finding(report, "policy-blocks-egress")
    assert code == 1 and codes(report) == {"policy-blocks-egress"}
    assert item["evidence"]["policies"] == ["shop/client-dns-only"]
    assert "(egress admits UDP 53 to this backend via shop/client-dns-only egress rule 0)" in item["evidence"]["denied"][0]
