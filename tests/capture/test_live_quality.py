"""netpath --count on the `links` scenario: loss, added delay and slow DNS become findings with
their numbers; a healthy path says so with its numbers; one exec from the source."""
import pytest

from tests.netpath.conftest import codes, live

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/simtests/scenarios/links"], indirect=True)]


def _count(sim, target, *extra):
    code, report = live(sim, "lab/client", f"lab/{target}", "--timeout", "1", "--count", "20", *extra)
    return code, report, report["quality"]


def _path(quality, of):
    found = [p for p in quality["paths"] if p["of"] == of]
    assert found, f"no path of {of} in {quality['paths']}"
    return found[0]


def test_healthy_path_has_no_loss_and_fast_round_trips(sim_cluster):
    code, report, quality = _count(sim_cluster, "ok", "--port", "8080")
    path = _path(quality, "Pod lab/ok")
    assert (code, report["verdict"]) == (0, "reachable")
    assert (path["sent"], path["answered"], path["lossPercent"]) == (20, 20, 0.0)
    assert path["rttMs"]["median"] < 20 and set(path["rttMs"]) == {"min", "median", "p99", "max"} and "jitterMs" in path
    assert not {"path-lossy", "path-slow"} & set(codes(report))


def test_twenty_percent_loss_is_path_lossy(sim_cluster):
    code, report, quality = _count(sim_cluster, "lossy", "--port", "8080", "--count", "60")
    path = _path(quality, "Pod lab/lossy")
    assert 3.0 <= path["lossPercent"] <= 45.0, path  # 20% of SYNs dropped; 60 tries: 5-45% is > 99.9% likely
    finding = next(f for f in report["findings"] if f["code"] == "path-lossy")
    assert f"{path['lossPercent']:g}% lost" in finding["message"] and finding["evidence"]["sent"] == 60


def test_two_hundred_ms_delay_is_path_slow(sim_cluster):
    code, report, quality = _count(sim_cluster, "slow", "--port", "8080")
    path = _path(quality, "Pod lab/slow")
    assert 195 <= path["rttMs"]["median"] < 400 and path["lossPercent"] == 0.0
    assert "path-slow" in codes(report) and "path-lossy" not in codes(report)


def test_slow_dns_names_its_lookup_time_and_queries(sim_cluster):
    code, report = live(sim_cluster, "lab/client", "web", "--timeout", "1", "--count", "10")
    dns = _path(report["quality"], "DNS name")
    assert dns["rttMs"]["median"] >= 290
    finding = next(f for f in report["findings"] if f["code"] == "dns-slow")
    assert finding["evidence"]["queriesPerLookup"] == 1 and "median lookup" in finding["message"]
    service = _path(report["quality"], "Service lab/web")
    assert service["lossPercent"] == 0.0  # each path measured on its own: the Service address and the pod


def test_refused_attempts_are_not_loss(sim_cluster):
    code, report, quality = _count(sim_cluster, "closed", "--port", "8080")
    path = _path(quality, "Pod lab/closed")
    assert (path["refused"], path["lossPercent"]) == (20, 0.0) and "path-lossy" not in codes(report)


def test_mtu_black_hole_names_both_numbers(sim_cluster):
    code, report, quality = _count(sim_cluster, "big", "--port", "8080", "--count", "5")
    line = next(m for m in quality["mtu"] if m["of"] == "Pod lab/big")
    assert (line["interfaceMtu"], line["largestPassing"], line["smallestFailing"]) == (1500, 1400, 1401)
    finding = next(f for f in report["findings"] if f["code"] == "mtu-black-hole")
    assert "1400" in finding["message"] and "1500" in finding["message"] and code == 1


def test_full_size_passes_on_a_healthy_path(sim_cluster):
    _, report, quality = _count(sim_cluster, "ok", "--port", "8080", "--count", "5")
    line = next(m for m in quality["mtu"] if m["of"] == "Pod lab/ok")
    assert line["largestPassing"] == line["interfaceMtu"] == 1500 and "mtu-black-hole" not in codes(report)


def test_count_without_python_says_so_and_uses_the_ephemeral_container_when_asked(sim_cluster):
    code, report = live(sim_cluster, "lab/nopython", "lab/ok", "--port", "8080", "--timeout", "1", "--count", "5")
    assert "needs python3 or python" in report["quality"]["error"]
    code, report = live(sim_cluster, "lab/nopython", "lab/ok", "--port", "8080", "--timeout", "1", "--count", "5",
                        "--ephemeral", "nicolaka/netshoot:v0.13")
    assert _path(report["quality"], "Pod lab/ok")["answered"] == 5
