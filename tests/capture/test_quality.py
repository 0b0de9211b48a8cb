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


def test_mtu_black_hole_vs_pmtu_that_works_vs_full_size():
    from netdebug.probe.mtu import parse_mtu
    parsed = parse_mtu("10.0.0.2 mtu 1500\n10.0.0.2 pass 1400\n10.0.0.2 pass 576\n10.0.0.2 fail 1401\n"
                       "10.0.0.3 mtu 1500\n10.0.0.3 pass 1450\n10.0.0.3 frag-needed 1450\n10.0.0.3 fail 1500\n"
                       "10.0.0.4 mtu 1500\n10.0.0.4 pass 1500\n10.0.0.5 mtu 1500\n10.0.0.5 fail 576\n")
    lines = [quality.mtu_summary(host, f"Pod a/{host[-1]}", parsed[host]) for host in sorted(parsed)]
    assert [f.code for f in quality.mtu_findings(lines, "Pod a/src")] == ["mtu-black-hole", "path-mtu-reduced"]
    assert (lines[0]["largestPassing"], lines[0]["smallestFailing"]) == (1400, 1401)
    assert "unknown" in lines[3]["note"]
