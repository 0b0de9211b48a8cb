"""`kubectl netpath SRC DST DST...`: one read of the cluster, one probe batch from SRC, one report per path."""
import json
from pathlib import Path

import pytest

from netdebug.errors import InputError

from .conftest import live, netpath

SHOP = str(Path(__file__).resolve().parents[2] / "examples" / "shop")


def test_offline_one_report_per_destination_and_the_worst_exit_code():
    code, out = netpath("-n", "shop", "frontend", "backend:8080", "svc/db:5432", "-f", SHOP, "-o", "json")
    reports = json.loads(out)
    assert [r["destination"] for r in reports] == ["backend:8080", "svc/db:5432"]
    assert [r["verdict"] for r in reports] == ["reachable", "blocked at policy"]
    assert code == 1


def test_offline_text_ends_with_a_count():
    code, out = netpath("-n", "shop", "frontend", "backend:8080", "backend:8080", "-f", SHOP)
    assert code == 0 and out.rstrip().endswith("2 paths: 2 reachable, 0 not")
    assert out.count("verdict: reachable") == 2


def test_one_destination_keeps_the_single_report():
    _, out = netpath("-n", "shop", "frontend", "backend:8080", "-f", SHOP, "-o", "json")
    assert isinstance(json.loads(out), dict)


@pytest.mark.parametrize("flag", [["--capture"], ["--count", "3"]])
def test_capture_and_count_follow_one_path(flag):
    with pytest.raises(InputError, match="one DST"):
        netpath("-n", "shop", "frontend", "backend", "svc/db", *flag)


@pytest.mark.sim
def test_live_paths_share_one_probe_batch(sim_cluster):
    code, reports = live(sim_cluster, "-n", "shop", "deploy/frontend", "svc/backend", "svc/db:5432", "--timeout", "1")
    assert len(reports) == 2 and all(r["probes"] for r in reports)
    connects = [p for r in reports for p in r["probes"] if p["kind"] == "tcp"]
    assert {p["outcome"] for p in connects} == {"connected"}
    assert len({p["elapsedMs"] for p in connects}) == 1  # one exec ran the connects of both paths
    assert reports[0]["verdict"] == "reachable" and code == (0 if reports[1]["verdict"] == "reachable" else 1)
