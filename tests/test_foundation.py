"""Foundation: selectors, the manifest loader and the CLI plumbing."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from netdebug.errors import InputError
from netdebug.manifests.loader import load
from netdebug.model import selectors

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("selector,labels,expected", [
    ({}, {"a": "1"}, True),
    ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
    ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"}, True),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}]}, {}, False),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {"a": "1"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"a": ""}, True),
    ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"a": ""}, False),
    ({"matchLabels": {"a": "1"}, "matchExpressions": [{"key": "b", "operator": "Exists"}]}, {"a": "1"}, False),
])
def test_selector_matching(selector, labels, expected):
    assert selectors.matches(selector, labels) is expected


def test_selector_string_round_trip():
    parsed = selectors.parse("app=web,tier!=db,env in (prod, stage),!legacy,team")
    assert parsed["matchLabels"] == {"app": "web"}
    assert selectors.matches(parsed, {"app": "web", "env": "prod", "team": "x"})
    assert not selectors.matches(parsed, {"app": "web", "env": "prod", "team": "x", "legacy": "1"})
    assert not selectors.matches(parsed, {"app": "web", "env": "dev", "team": "x"})
    assert selectors.to_string(parsed) == "app=web,tier notin (db),env in (prod,stage),!legacy,team"


def test_selector_parse_rejects_garbage():
    with pytest.raises(InputError, match="invalid label selector"):
        selectors.parse("a=b,(oops")


def test_selector_problems():
    bad = {"matchExpressions": [{"key": "a", "operator": "In"}, {"key": "b", "operator": "Maybe"}]}
    assert len(selectors.problems(bad)) == 2


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_loader_workloads_namespaces_and_lists(tmp_path):
    write(tmp_path, "a/deploy.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          jobTemplate:
            spec:
              template:
                metadata: {labels: {job: nightly}}
                spec: {containers: [{name: c, image: busybox}]}
        """)
    write(tmp_path, "b/list.json", """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"team": "a"}}},
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db-0", "namespace": "data", "labels": {"app": "db"}},
           "spec": {"containers": [{"name": "db", "image": "pg"}]}},
          {"apiVersion": "v1", "kind": "Widget", "metadata": {"name": "w"}}
        ]}
        """)
    snap = load([str(tmp_path)])
    pods = {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in snap.of("Pod")}
    assert pods == {("shop", "web"), ("default", "nightly"), ("data", "db-0")}
    assert snap.namespace_labels("shop") == {"team": "a", "kubernetes.io/metadata.name": "shop"}
    assert snap.get("Namespace", None, "data") is not None  # implicit
    assert any("Widget" in w for w in snap.warnings)


def test_loader_does_not_synthesize_when_pods_are_given(tmp_path):
    write(tmp_path, "x.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-abc, labels: {app: web}}
        spec: {containers: [{name: web, image: nginx}]}
        """)
    assert [p["metadata"]["name"] for p in load([str(tmp_path)]).of("Pod")] == ["web-abc"]


def test_loader_reports_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", "kind: Pod\nmetadata:\n  name: [oops\n")
    with pytest.raises(InputError, match=r"bad.yaml:\d+: invalid YAML"):
        load([str(path)])
    with pytest.raises(InputError, match="no such file"):
        load([str(tmp_path / "missing.yaml")])


@pytest.mark.parametrize("plugin", ["netpath", "netpolicy", "svcdebug"])
def test_launchers_answer_help_and_version(plugin):
    for flag in ("--help", "--version"):
        result = subprocess.run([sys.executable, str(ROOT / f"kubectl-{plugin}"), flag], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "kubernetes" not in result.stderr


@pytest.mark.parametrize("plugin", ["netpath", "netpolicy", "svcdebug"])
def test_help_does_not_import_the_kubernetes_client(plugin):
    code = (f"import sys; sys.argv=['kubectl-{plugin}', '--help']\n"
            f"from netdebug.cli.{plugin} import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'kubernetes' not in sys.modules, 'kubernetes imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "plugins")
    assert result.returncode == 0, result.stderr


def test_pod_ips_tolerates_malformed_status():
    from netdebug.model.objects import pod_ips

    assert pod_ips({"status": {"podIPs": [None, {"ip": "10.0.0.5"}]}}) == ["10.0.0.5"]
    assert pod_ips({"status": {"podIP": "10.0.0.6", "podIPs": None}}) == ["10.0.0.6"]
    assert pod_ips({}) == []


def test_manifest_loader_reads_scalars_as_the_api_server_does(tmp_path):
    """go-yaml v2 (kubectl, API server): no base-60 or timestamps, y/n are booleans, 1e3 is a number."""
    import yaml

    from netdebug.manifests.yaml_loader import ManifestLoader

    text = textwrap.dedent("""
        base: &base {port: 80, enabled: true, ratio: 0.5, none: null, when: 2024-01-02, octal: 017, t: 12:30:00}
        merged: {<<: *base, port: 81}
        items: [a, 1, "2", [x, {z: ~}], *base, y, N, "yes", off, 1e3, 0x1f, 1_000, !!binary aGVsbG8=]
        keys: {80: a, true: b}
        ---
        kind: Pod
        """)
    base = {"port": 80, "enabled": True, "ratio": 0.5, "none": None, "when": "2024-01-02", "octal": 15, "t": "12:30:00"}
    assert list(yaml.load_all(text, Loader=ManifestLoader)) == [
        {"base": base, "merged": {**base, "port": 81},
         "items": ["a", 1, "2", ["x", {"z": None}], base, True, False, "yes", False, 1000.0, 31, 1000, "hello"],
         "keys": {"80": "a", "true": "b"}},
        {"kind": "Pod"}]


def test_manifest_loader_rejects_unhashable_keys_and_recursion(tmp_path):
    write(tmp_path, "a.yaml", "? [a, b]\n: 1\n")
    write(tmp_path, "b.yaml", "&x [*x]\n")
    for name in ("a.yaml", "b.yaml"):
        with pytest.raises(InputError, match=rf"{name}:\d+: invalid YAML"):
            load([str(tmp_path / name)])
