"""netpath --capture on the `links` scenario: each fault gets its verdict from the packets, the pcap
files open with tcpdump -r, and nothing keeps running in the pods afterwards."""
import os
import subprocess

import pytest

from tests.netpath.conftest import codes, live

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/simtests/scenarios/links"], indirect=True)]


def _capture(sim, tmp_path, target, *extra):
    code, report = live(sim, "lab/client", f"lab/{target}", "--port", "8080", "--timeout", "1", "--capture",
                        "--capture-dir", str(tmp_path), *extra)
    return code, report, report["capture"]


def _verdicts(capture):
    return [flow["verdict"] for flow in capture["flows"]]


def _finding(report, code):
    found = [f for f in report["findings"] if f["code"] == code]
    assert found, f"no {code} in {codes(report)}"
    return found[0]


def test_healthy_path_is_answered_with_its_numbers(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "ok")
    assert (code, report["verdict"]) == (0, "reachable")
    assert _verdicts(capture) == ["answered"]
    flow = capture["flows"][0]
    assert flow["sent"] == 1 and flow["retransmissions"] == 0 and flow["arrived"] == 1 and flow["rttMs"] < 100
    assert [f["role"] for f in capture["files"]] == ["source", "destination"]
    assert all(f["packets"] >= 3 for f in capture["files"])  # SYN, SYN-ACK, ACK at least, at both ends
    assert _finding(report, "capture-answered")["severity"] == "info"


def test_drop_at_destination_ingress_arrived_no_answer(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "guarded")
    assert code == 1 and _verdicts(capture) == ["no-answer"]
    finding = _finding(report, "capture-no-answer")
    assert "arrived at lab/guarded" in finding["message"] and "dropped-unexplained" not in codes(report)


def test_drop_on_the_reply_path(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "replydrop")
    assert code == 1 and _verdicts(capture) == ["reply-lost"]
    assert capture["flows"][0]["answeredThere"] >= 1
    assert "lost on the way back" in _finding(report, "capture-reply-lost")["message"]


def test_rst_from_the_destination_is_refused_folded_into_not_listening(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "closed")
    assert code == 1 and _verdicts(capture) == ["refused"]
    assert "RST from" in capture["flows"][0]["answer"]
    assert any("answered RST" in line for line in _finding(report, "not-listening")["evidence"]["packets"])


def test_node_to_node_route_broken_left_never_arrived(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "island")
    assert code == 1 and _verdicts(capture) == ["dropped"]
    finding = _finding(report, "node-fabric-broken")  # the node comparison names the cause; the packets stay as evidence
    assert "left lab/client, never arrived at lab/island" in finding["evidence"]["before"]
    assert finding["evidence"]["flows"][0]["verdict"] == "dropped"


def test_pcap_files_open_with_tcpdump_and_are_named(sim_cluster, tmp_path):
    _, _, capture = _capture(sim_cluster, tmp_path, "ok")
    for entry in capture["files"]:
        assert os.path.dirname(entry["file"]) == str(tmp_path)
        read = subprocess.run(["tcpdump", "-nn", "-r", entry["file"]], capture_output=True, text=True, check=False)
        assert read.returncode == 0 and "8080" in read.stdout, read.stderr
        assert len(read.stdout.splitlines()) == entry["packets"]


def test_nothing_keeps_running_in_the_pods(sim_cluster, tmp_path):
    _capture(sim_cluster, tmp_path, "replydrop")
    for ref in ("lab/client", "lab/replydrop"):
        pids = subprocess.run(["ip", "netns", "pids", sim_cluster.pod_netns(ref)], capture_output=True, text=True).stdout
        commands = [open(f"/proc/{pid}/comm").read().strip() for pid in pids.split() if os.path.exists(f"/proc/{pid}")]
        assert not {"tcpdump", "sh", "sleep"} & set(commands), (ref, commands)


def test_without_capture_nothing_is_captured_and_nothing_added(sim_cluster, tmp_path):
    code, report = live(sim_cluster, "lab/client", "lab/ok", "--port", "8080", "--timeout", "1")
    assert code == 0 and "capture" not in report
    assert not [c for c in codes(report) if c.startswith("capture-")]


def test_dns_queries_are_followed_in_the_packets(sim_cluster, tmp_path):
    code, report = live(sim_cluster, "lab/client", "web", "--timeout", "1", "--capture", "--capture-dir", str(tmp_path))
    queries = [q for q in report["capture"]["dns"] if q["name"] == "web.lab.svc.cluster.local"]
    assert queries and all(q["rcode"] == "NOERROR" for q in queries)
    assert all(q["ms"] >= 250 for q in queries)  # the scenario's DNS answers 300 ms late
    assert "capture-dns-unanswered" not in codes(report)



def test_no_tcpdump_at_the_destination_is_said_and_nothing_is_added(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "bare")
    destination = next(f for f in capture["files"] if f["role"] == "destination")
    assert "no tcpdump in lab/bare" in destination["error"] and capture["added"] == []
    assert _verdicts(capture) == ["answered"] and code == 0  # the source capture alone still proves the answer
    pod = sim_cluster.store.get("Pod", "lab", "bare")
    assert not pod["spec"].get("ephemeralContainers")


def test_ephemeral_capture_only_when_asked_and_listed(sim_cluster, tmp_path):
    code, report, capture = _capture(sim_cluster, tmp_path, "bare", "--ephemeral", "nicolaka/netshoot:v0.13")
    added = [a for a in capture["added"] if a["pod"] == "lab/bare"]
    assert len(added) == 1 and added[0]["image"] == "nicolaka/netshoot:v0.13"
    destination = next(f for f in capture["files"] if f["role"] == "destination")
    assert destination["container"] == added[0]["container"] and destination["packets"] >= 3
    names = [c["name"] for c in sim_cluster.store.get("Pod", "lab", "bare")["spec"]["ephemeralContainers"]]
    assert added[0]["container"] in names


def test_dnat_to_an_address_that_is_no_endpoint(sim_cluster, tmp_path):
    code, report = live(sim_cluster, "lab/client", "svc/stale", "--timeout", "1", "--capture", "--capture-dir", str(tmp_path))
    finding = _finding(report, "capture-dnat-unexpected")  # the SYN-ACK came back; lab/ok's capture saw nothing
    assert "not one of its endpoints (10.244" in finding["message"] and code == 1
    endpoint = next(f for f in report["capture"]["flows"] if f["verdict"] != "dnat-unexpected")
    assert endpoint["verdict"] == "answered" and endpoint["pod"] == "lab/ok"  # the endpoint works: the rules are wrong


@pytest.mark.parametrize("target,verdict,code", [("ok", "answered", "capture-answered"),
                                                 ("replydrop", "reply-lost", "capture-reply-lost"),
                                                 ("guarded", "no-answer", "capture-no-answer")])
def test_udp_silence_is_told_apart_by_the_packets(sim_cluster, tmp_path, target, verdict, code):
    exit_code, report = live(sim_cluster, "lab/client", f"lab/{target}", "--protocol", "UDP", "--port", "7000",
                             "--timeout", "1", "--capture", "--capture-dir", str(tmp_path))
    assert _verdicts(report["capture"]) == [verdict] and code in codes(report)
    assert "udp-unverified" not in codes(report)  # the packets settled what a UDP probe alone cannot
    assert (exit_code == 0) == (verdict == "answered")
    if verdict != "answered":
        assert report["verdict"] == "blocked at destination"


def test_slow_dns_from_packets_alone(sim_cluster, tmp_path):
    code, report = live(sim_cluster, "lab/client", "web", "--timeout", "1", "--capture", "--capture-dir", str(tmp_path))
    finding = _finding(report, "dns-slow")
    assert "queries seen in the capture" in finding["message"] and finding["evidence"]["rttMs"]["median"] >= 250


def test_ephemeral_at_the_source_serves_capture_and_probes_once(sim_cluster, tmp_path):
    before = len(sim_cluster.store.get("Pod", "lab", "bare")["spec"].get("ephemeralContainers") or [])
    code, report = live(sim_cluster, "lab/bare", "lab/ok", "--port", "8080", "--timeout", "1", "--capture",
                        "--capture-dir", str(tmp_path), "--ephemeral", "nicolaka/netshoot:v0.13")
    after = sim_cluster.store.get("Pod", "lab", "bare")["spec"]["ephemeralContainers"]
    assert len(after) - before == 1  # one container, announced, used by the capture and the probes
    added = report["capture"]["added"][0]["container"]
    assert all(p["container"] == added for p in report["probes"] if p["kind"] == "tcp")
    assert code == 0 and _verdicts(report["capture"]) == ["answered"]
