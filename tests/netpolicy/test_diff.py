"""`netpolicy diff`: connection set arithmetic, the comparison, attribution, and the command."""
import json

import pytest

from netdebug.cli.netpolicy_diff import diff as diff_command, overlay
from netdebug.errors import InputError
from netdebug.manifests.loader import load
from netdebug.policy.ports import parse

from .conftest import MANIFESTS, ROOT, invoke

SHOP = ROOT / "examples" / "shop"
V2 = [str(SHOP / "00-cluster.yaml"), str(SHOP / "10-shop.yaml"), str(SHOP / "30-monitoring.yaml"),
      str(MANIFESTS / "shop-v2-policies.yaml")]
AFTER_V2 = [arg for path in V2 for arg in ("--after", path)]


@pytest.mark.parametrize("left,right,expected", [
    ("TCP 80-90", "TCP 85", "TCP 80-84,86-90"),
    ("TCP 80-90;UDP 53", "TCP all", "UDP 53"),
    ("all", "TCP 1-1000", "TCP 1001-65535;UDP all;SCTP all"),
    ("TCP 80", "none", "TCP 80"),
    ("TCP 80,443", "TCP 80,443", "none"),
    ("TCP 1-10,20-30", "TCP 5-25", "TCP 1-4,26-30"),
])
def test_connection_set_difference(left, right, expected):
    assert str(parse(left) - parse(right)) == expected


@pytest.mark.parametrize("fmt,suffix", [("text", "txt"), ("json", "json"), ("markdown", "md")])
def test_diff_shop_versions_golden(golden, fmt, suffix):
    code, out = invoke(diff_command, ["-f", str(SHOP), *AFTER_V2, "-o", fmt])
    assert code == 1
    golden(f"diff-shop-v2.{suffix}", out.replace(str(ROOT) + "/", ""))


def test_diff_rows_and_responsible_policies():
    code, out = invoke(diff_command, ["-f", str(SHOP), *AFTER_V2, "-o", "json"])
    rows = {(r["from"], r["to"]): r for r in json.loads(out)["connections"]}
    assert rows[("monitoring/Deployment/prometheus", "shop/StatefulSet/db")]["added"] == "TCP 9187"
    removed = rows[("shop/Deployment/frontend", "shop/Deployment/backend")]
    assert (removed["added"], removed["removed"]) == ("none", "TCP 8080")
    assert removed["policies"] == ["shop/frontend-egress"]  # backend-metrics also selects backend, but is not why


def test_no_change_exits_0():
    code, out = invoke(diff_command, ["-f", str(SHOP), "--after", str(SHOP)])
    assert code == 0
    assert "none" in out


def test_new_pod_connections_are_added(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: monitoring}\n"
                     "spec: {containers: [{name: c, image: busybox}]}\n")
    code, out = invoke(diff_command, ["-f", str(SHOP), "--after", str(SHOP), "--after", str(extra), "-o", "json"])
    report = json.loads(out)
    assert code == 1 and report["policies"] == []
    to_frontend = [r for r in report["connections"] if r["from"] == "monitoring/debug" and r["to"] == "shop/Deployment/frontend"]
    assert to_frontend[0]["added"] == "TCP 80" and to_frontend[0]["removed"] == "none"


def test_usage_errors():
    with pytest.raises(InputError, match="--after"):
        invoke(diff_command, ["-f", str(SHOP)])
    with pytest.raises(InputError, match="not both or neither"):
        invoke(diff_command, ["--after", str(SHOP)])


def test_overlay_replaces_policies_and_keeps_the_rest():
    live = load([str(SHOP)])
    files = load([str(MANIFESTS / "shop-v2-policies.yaml")])
    merged = overlay(live, files)
    refs = sorted(f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in merged.of("NetworkPolicy"))
    assert "shop/backend-metrics" in refs and len(refs) == len(set(refs)) == 6
    assert len(merged.of("Pod")) == len(live.of("Pod"))
