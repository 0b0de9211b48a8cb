"""netpath --capture when cluster DNS is down: the queries left the source and none was answered."""
import pytest

from tests.netpath.conftest import codes, live

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/simtests/scenarios/dns-down"], indirect=True)]


def test_dns_queries_without_answer(sim_cluster, tmp_path):
    code, report = live(sim_cluster, "lab/client", "target", "--timeout", "1", "--capture", "--capture-dir", str(tmp_path))
    queries = report["capture"]["dns"]
    assert queries and not any("rcode" in q for q in queries)
    dns_down = next(f for f in report["findings"] if f["code"] == "dns-down")  # one cause, one error: packets as evidence
    assert code == 1 and any("none was answered" in line for line in dns_down["evidence"]["packets"])
    assert "capture-dns-unanswered" not in codes(report)
