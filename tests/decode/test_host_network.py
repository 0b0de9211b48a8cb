"""hostNetwork, one model on both sides: not isolated by NetworkPolicy, and as a peer node traffic
(only ipBlock rules covering its IP match it, never pod or namespace selectors). Every command that
shows such a pod says so."""
import json
import textwrap

import pytest

from .runner import run

CLUSTER = """
apiVersion: v1
kind: Pod
metadata: {name: h, namespace: a, labels: {app: web}}
spec: {hostNetwork: true, containers: [{name: c}]}
status: {podIP: 192.168.1.5}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a, labels: {app: db}}
status: {podIP: 10.0.0.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: a}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}, {namespaceSelector: {}}]
    ports: [{port: 5432}]
  - from: [{ipBlock: {cidr: 192.168.1.0/24}}]
    ports: [{port: 9100}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
"""


@pytest.fixture
def cluster(tmp_path):
    path = tmp_path / "cluster.yaml"
    path.write_text(textwrap.dedent(CLUSTER))
    return str(path)


def test_a_host_network_pod_is_not_matched_by_pod_or_namespace_selectors(cluster):
    result = run("netpolicy", "check", "-f", cluster, "a/h", "a/p", "--port", "5432", "-o", "json")
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ingress"]["allowed"] is False and report["egress"]["isolated"] is False
    assert run("netpolicy", "check", "-f", cluster, "a/web", "a/p", "--port", "5432").code == 1  # web's egress: deny-all


def test_an_ip_block_covering_its_ip_matches_it(cluster):
    result = run("netpolicy", "check", "-f", cluster, "a/h", "a/p", "--port", "9100", "-o", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["ingress"]["allowed"] is True


def test_its_own_side_is_not_isolated(cluster):
    result = run("netpolicy", "check", "-f", cluster, "a/p", "a/h", "--port", "80", "-o", "json")
    assert json.loads(result.stdout)["ingress"]["isolated"] is False


@pytest.mark.parametrize("argv", [["matrix"], ["who-can-reach", "a/p"], ["reachable-from", "a/h"], ["exposure"],
                                  ["check", "a/h", "a/p"]])
def test_every_command_showing_it_carries_the_note(cluster, argv):
    result = run("netpolicy", *argv, "-f", cluster, "-o", "json")
    assert result.code in (0, 1), result.stderr
    assert any("as a peer it is node traffic" in note for note in json.loads(result.stdout)["notes"])


def test_a_fix_for_a_host_network_peer_admits_its_ip_not_its_labels(cluster):
    result = run("netpath", "a/h", "a/p", "--port", "5432", "--no-probe", "-f", cluster)
    assert result.code == 1, result.stderr
    fix = [line for line in result.stdout.splitlines() if "fix: edit NetworkPolicy a/db-from-web" in line]
    assert fix == ["      fix: edit NetworkPolicy a/db-from-web ingress rule 1: spec.ingress[1].ports[0].port: 9100 -> 5432"]


def test_a_new_rule_for_a_host_network_peer_names_its_ip(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(textwrap.dedent(CLUSTER).replace("  - from: [{ipBlock: {cidr: 192.168.1.0/24}}]\n"
                                                     "    ports: [{port: 9100}]\n", ""))
    result = run("netpath", "a/h", "a/p", "--port", "5432", "--no-probe", "-f", str(path))
    assert "append to spec.ingress[0].from: {ipBlock: {cidr: 192.168.1.5/32}}" in result.stdout, result.stdout
