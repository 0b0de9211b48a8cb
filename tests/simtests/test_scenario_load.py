"""Scenario loading: the examples load (also offline, with netdebug's own loader); bad input fails
naming the file and the object."""
import os

import pytest

from netdebug.manifests.loader import load as offline_load
from tests.sim import controllers, scenario
from tests.sim.scenario import ScenarioError
from tests.simtests.simnet_support import REPO

EXAMPLES = sorted(os.path.join(REPO, "examples", d) for d in os.listdir(os.path.join(REPO, "examples")))


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_is_a_complete_cluster(path):
    objects = controllers.reconcile(scenario.load(path).objects)
    kinds = {o["kind"] for o in objects}
    assert {"Node", "Namespace", "Pod", "Service", "EndpointSlice", "Endpoints"} <= kinds
    dns = [o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "kube-dns"]
    assert dns and dns[0]["metadata"]["namespace"] == "kube-system"
    assert any(o["kind"] == "Pod" and o["metadata"]["labels"].get("k8s-app") == "kube-dns" for o in objects)


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_reads_offline_without_warnings(path):
    snapshot = offline_load([path])
    assert snapshot.of("Pod") and not snapshot.warnings


def _scenario(tmp_path, text: str, name: str = "bad.yaml") -> str:
    (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_invalid_yaml_names_file_and_line(tmp_path):
    with pytest.raises(ScenarioError, match=r"bad\.yaml:3: invalid YAML"):
        scenario.load(_scenario(tmp_path, "kind: Pod\nmetadata:\n  name: a: b\n"))


def test_container_without_name_names_file_and_object(tmp_path):
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - image: nginx\n"
    with pytest.raises(ScenarioError) as err:
        scenario.load(_scenario(tmp_path, text))
    assert str(err.value) == f"{tmp_path}/bad.yaml: Pod shop/web: spec.containers[0].name is required"


def test_endpointslice_without_address_type(tmp_path):
    text = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: web-abc}\nendpoints: []\n"
    with pytest.raises(ScenarioError, match=r"bad\.yaml: EndpointSlice web-abc: addressType is required"):
        scenario.load(_scenario(tmp_path, text))


@pytest.mark.parametrize("text, problem", [
    ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}, {port: 81}]}\n",
     "spec.ports[0].name is required when there are several ports"),
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: c, image: i}]}}}\n",
     "spec.selector is required"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {sim.netdebug.io/state: sleepy}}\n"
     "spec: {containers: [{name: c, image: i}]}\n", "'sleepy' is not one of"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: P_1}\nspec: {containers: [{name: c, image: i}]}\n",
     "is not a valid DNS subdomain"),
    ("kind: Pod\nmetadata: {name: p}\n", "apiVersion is required"),
])
def test_objects_the_api_would_reject(tmp_path, text, problem):
    with pytest.raises(ScenarioError, match="bad.yaml: .*" + problem.replace("[", r"\[").replace("]", r"\]")
                       .replace("(", r"\(").replace(")", r"\)")):
        scenario.load(_scenario(tmp_path, text))


def test_missing_path_and_empty_dir(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        scenario.load(str(tmp_path / "nope"))
    with pytest.raises(ScenarioError, match="no Kubernetes objects"):
        scenario.load(str(tmp_path))


def test_scenario_configmap_gives_faults_and_is_not_an_object(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sim, labels: {sim.netdebug.io/scenario: 'true'}}\n"
            "data:\n  faults: |\n    - {user: limited, verb: list, resource: pods, action: forbid}\n---\n"
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")
    loaded = scenario.load(_scenario(tmp_path, text, "s.yaml"))
    assert loaded.faults == [{"user": "limited", "verb": "list", "resource": "pods", "action": "forbid"}]
    assert [o["kind"] for o in loaded.objects] == ["Namespace"]


def test_preflight_names_what_is_missing(monkeypatch):
    from tests.sim import preflight
    monkeypatch.setattr(preflight.os, "geteuid", lambda: 1000)
    assert preflight.problem() == "simulated cluster needs root (network namespaces, iptables)"
    monkeypatch.setattr(preflight.os, "geteuid", lambda: 0)
    monkeypatch.setattr(preflight, "TOOLS", ("ip", "no-such-tool-xyz"))
    assert preflight.problem().startswith("simulated cluster needs no-such-tool-xyz (apt-get install")


def test_kinds_the_simulator_cannot_serve_are_named(tmp_path):
    from tests.sim.cluster import served_kinds
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n"
    with pytest.raises(ScenarioError, match=r"bad\.yaml: Widget shop/w: kind Widget is not served"):
        scenario.load(_scenario(tmp_path, text), served_kinds())


@pytest.mark.parametrize("key, value", [("listen.web", "80a"), ("tls", "https"), ("http-status", "503"),
                                        ("dns-delay", "slow"), ("clusterip", "off")])
def test_malformed_annotations_are_named(tmp_path, key, value):
    text = (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{sim.netdebug.io/{key}: '{value}'}}}}\n"
            "spec: {containers: [{name: web, image: i}]}\n")
    with pytest.raises(ScenarioError, match=rf"bad\.yaml: Pod p: annotation sim\.netdebug\.io/{key}: '{value}' is not "):
        scenario.load(_scenario(tmp_path, text))


def test_combined_examples_take_their_shared_cluster_objects_once():
    combined = scenario.load([os.path.join(REPO, "examples", d) for d in ("shop", "broken-service")])
    keys = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in combined.objects]
    assert len(keys) == len(set(keys))
    assert keys.count(("Service", "kube-system", "kube-dns")) == 1 and ("Node", None, "node-2") in keys
    assert ("Deployment", "shop", "frontend") in keys and ("Deployment", "web", "frontend") in keys


POD = "apiVersion: v1\nkind: Pod\nmetadata: {{name: web, namespace: shop}}\nspec: {{containers: [{{name: c, image: {image}}}]}}\n"


def test_identical_object_in_two_files_is_taken_once(tmp_path):
    _scenario(tmp_path, POD.format(image="nginx"), "a.yaml")
    _scenario(tmp_path, POD.format(image="nginx"), "b.yaml")
    assert [o["metadata"]["name"] for o in scenario.load(str(tmp_path)).objects] == ["web"]


def test_different_objects_with_one_name_fail_naming_both_files(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    _scenario(first, POD.format(image="nginx"), "a.yaml")
    _scenario(second, POD.format(image="httpd"), "b.yaml")
    with pytest.raises(ScenarioError) as err:
        scenario.load([str(first), str(second)])
    assert str(err.value) == (f"{second}/b.yaml: Pod shop/web differs from the one in {first}/a.yaml "
                              "(the same object in several files must be identical)")


def test_same_name_in_another_namespace_or_kind_is_a_different_object(tmp_path):
    _scenario(tmp_path, POD.format(image="nginx"), "a.yaml")
    _scenario(tmp_path, POD.format(image="nginx").replace("namespace: shop", "namespace: web"), "b.yaml")
    _scenario(tmp_path, "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
                        "spec: {ports: [{port: 80}]}\n", "c.yaml")
    kinds = [(o["kind"], o["metadata"]["namespace"]) for o in scenario.load(str(tmp_path)).objects]
    assert kinds == [("Pod", "shop"), ("Pod", "web"), ("Service", "shop")]


def test_admin_policy_api_is_served_only_when_installed(tmp_path):
    from tests.sim.scenario import ADMIN_POLICY_GROUP, load

    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                                       "  containers: [{name: c, image: busybox}]\n")
    assert load(str(tmp_path)).hidden_groups == {ADMIN_POLICY_GROUP}  # as on most clusters: 404
    (tmp_path / "anp.yaml").write_text(
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\n"
        "spec: {priority: 1, subject: {namespaces: {}}, ingress: []}\n")
    assert load(str(tmp_path)).hidden_groups == set()  # a scenario that uses the API installs it
    (tmp_path / "settings.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, namespace: kube-system, labels: "
        "{sim.netdebug.io/scenario: 'true'}}\ndata: {adminNetworkPolicyAPI: absent, shapes: real-cluster}\n")
    loaded = load(str(tmp_path))
    assert loaded.hidden_groups == {ADMIN_POLICY_GROUP} and loaded.real_shapes
