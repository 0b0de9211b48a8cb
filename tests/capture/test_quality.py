"""Path-quality statistics and thresholds (pure)."""
from netdebug.diagnose import quality


def _q(kind, outcomes):
    return quality.measure(kind, "10.0.0.2:80" if kind != "dns" else "web", outcomes)


def test_numbers_of_a_clean_series():
    q = _q("tcp", [("ok", ms) for ms in (1.0, 2.0, 3.0, 4.0)])
    data = q.to_dict()
    assert (data["sent"], data["answered"], data["lossPercent"]) == (4, 4, 0.0)
    assert data["rttMs"] == {"min": 1.0, "median": 2.5, "p99": 4.0, "max": 4.0} and data["jitterMs"] == 1.0
    assert quality.findings([q], "Pod a/b") == []


def test_loss_counts_timeouts_not_refusals():
    q = _q("tcp", [("ok", 1.0)] * 8 + [("timeout", 1000.0)] * 2 + [("refused", 0.5)] * 10)
    assert q.loss_percent == 10.0
    assert [f.code for f in quality.findings([q], "Pod a/b")] == ["path-lossy"]


def test_all_lost_is_not_lossy_it_is_blocked_and_the_probes_say_so():
    assert quality.findings([_q("tcp", [("timeout", 1000.0)] * 5)], "Pod a/b") == []


def test_slow_median_and_percentile_rank():
    q = _q("tcp", [("ok", ms) for ms in [200.0] * 19 + [900.0]])
    assert quality.percentile(q.rtts, 99) == 900.0 and quality.median(q.rtts) == 200.0
    assert [f.code for f in quality.findings([q], "Pod a/b")] == ["path-slow"]


def test_dns_slow_explains_the_search_list_cost():
    q = _q("dns", [("ok", 450.0)] * 5)
    queries = ["db.lab.svc.cluster.local", "db.svc.cluster.local", "db.cluster.local", "db"]
    finding = quality.findings([q], "Pod a/b", queries)[0]
    assert finding.code == "dns-slow" and "4 queries" in finding.message and finding.evidence["queriesPerLookup"] == 4
