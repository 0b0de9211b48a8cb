"""`netpolicy exposure`: which pods accept traffic from outside or from every namespace, ranked."""
import json

import pytest

from netdebug.cli.netpolicy_exposure import exposure as exposure_command
from netdebug.model.snapshot import Snapshot
from netdebug.policy.engine import PolicyEngine
from netdebug.policy.exposure import rank

from .conftest import MANIFESTS, ROOT, invoke

SHOP = str(ROOT / "examples" / "shop")


def ranked(*policies):
    snapshot = Snapshot()
    snapshot.add({"kind": "Pod", "metadata": {"name": "api", "namespace": "shop", "labels": {"app": "api"}},
                  "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 8080, "name": "http"}]}]}})
    for index, ingress in enumerate(policies):
        snapshot.add({"kind": "NetworkPolicy", "metadata": {"name": f"p{index}", "namespace": "shop"},
                      "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": ingress}})
    return rank(PolicyEngine(snapshot), snapshot.of("Pod"))


def test_unprotected_pod_is_most_exposed():
    [found] = ranked()
    assert (found.score, str(found.external), str(found.namespaces)) == (100, "all", "all")


@pytest.mark.parametrize("ingress,score,external,namespaces", [
    ([{"ports": [{"port": "http"}]}], 90, "TCP 8080", "TCP 8080"),
    ([{}], 95, "all", "all"),
    ([{"from": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}], "ports": [{"port": 443}]}], 80, "TCP 443", "none"),
    ([{"from": [{"ipBlock": {"cidr": "203.0.113.0/24"}}], "ports": [{"port": 443}]}], 58, "TCP 443", "none"),
    ([{"from": [{"namespaceSelector": {}}], "ports": [{"port": 8080}]}], 40, "none", "TCP 8080"),
    ([{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"role": "scraper"}}}]}], 35, "none", "all"),
])
def test_exposure_by_rule(ingress, score, external, namespaces):
    [found] = ranked(ingress)
    assert (found.score, str(found.external), str(found.namespaces)) == (score, external, namespaces)


def test_not_exposed_pods_are_left_out():
    assert ranked([{"from": [{"podSelector": {}}]}], []) == []
    assert ranked([{"ports": [{"port": "missing"}]}]) == []  # the named port resolves to nothing


@pytest.mark.parametrize("name,args", [("exposure-shop", ["-f", SHOP]),
                                       ("exposure-explain", ["-f", str(MANIFESTS / "explain")])])
@pytest.mark.parametrize("fmt,suffix", [("text", "txt"), ("json", "json")])
def test_exposure_golden(golden, name, args, fmt, suffix):
    code, out = invoke(exposure_command, [*args, "-o", fmt])
    assert code == 0
    golden(f"{name}.{suffix}", out)


def test_exposure_ranking_and_namespace_scope():
    code, out = invoke(exposure_command, ["-f", SHOP, "-o", "json"])
    rows = json.loads(out)["exposed"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    code, out = invoke(exposure_command, ["-f", SHOP, "-n", "shop", "-o", "json"])
    assert [r["workload"] for r in json.loads(out)["exposed"]] == ["shop/Deployment/frontend"]


def test_host_network_pod_counts_as_open_even_when_selected():
    snapshot = Snapshot()
    snapshot.add({"kind": "Pod", "metadata": {"name": "agent", "namespace": "ops", "labels": {}},
                  "spec": {"hostNetwork": True, "containers": [{"name": "c"}]}})
    snapshot.add({"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "ops"},
                  "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})
    [found] = rank(PolicyEngine(snapshot), snapshot.of("Pod"))
    assert (found.score, found.cni_defined) == (100, True)
    assert "hostNetwork" in found.sources[0]["from"]
