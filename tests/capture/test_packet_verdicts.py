"""Where a packet died, from hand-made captures at both ends (pure: diagnose/capture.py)."""
from netdebug.diagnose.capture import conclude
from netdebug.diagnose.capture_flows import End, Expected
from netdebug.model.packets import INCOMING, OUTGOING, Packet

SRC, DST, OTHER, SVC = "10.0.1.2", "10.0.2.6", "10.0.2.99", "10.96.0.50"


def tcp(src, dst, sport, dport, flags, t=0.0, direction=None):
    return Packet(1000.0 + t, src, dst, "TCP", 40, sport, dport, flags, 1, 0, direction=direction)


def udp(src, dst, sport, dport, t=0.0):
    return Packet(1000.0 + t, src, dst, "UDP", 30, sport, dport, payload=2)


def unreachable(src, dst, inner, t=0.0, code=3):
    return Packet(1000.0 + t, src, dst, "ICMP", 56, icmp=(3, code), inner=inner)


def judge(source_packets, destination_packets, expected=None, destination_error=None):
    expected = expected or Expected({DST: "lab/dst"}, frozenset([8080]), probed=(("TCP", DST, 8080),))
    source = End("source", "lab/src", SRC, tuple(source_packets), "/tmp/s.pcap")
    destination = End("destination", "lab/dst", DST, tuple(destination_packets), "/tmp/d.pcap", destination_error)
    findings, flows = conclude(source, [destination], expected)
    return [f["verdict"] for f in flows], findings


SYN = tcp(SRC, DST, 40000, 8080, "S", 0, OUTGOING)
SYN_ACK = tcp(DST, SRC, 8080, 40000, "SA", 0.001)
RST = tcp(DST, SRC, 8080, 40000, "RA", 0.001)


def test_answered_with_round_trip_and_retransmission():
    verdicts, findings = judge([SYN, tcp(SRC, DST, 40000, 8080, "S", 1.0, OUTGOING), tcp(DST, SRC, 8080, 40000, "SA", 1.002)],
                               [tcp(SRC, DST, 40000, 8080, "S", 1.001), tcp(DST, SRC, 8080, 40000, "SA", 1.0015)])
    assert verdicts == ["answered"] and findings[0].code == "capture-answered" and findings[0].severity == "info"
    flow = findings[0].evidence["flows"][0]
    assert flow["retransmissions"] == 1 and flow["rttMs"] == 1002.0 and findings[0].evidence["captures"] == ["/tmp/s.pcap", "/tmp/d.pcap"]


def test_each_place_a_packet_can_die():
    assert judge([SYN], [])[0] == ["dropped"]
    assert judge([SYN], [tcp(SRC, DST, 40000, 8080, "S")])[0] == ["no-answer"]
    assert judge([SYN], [tcp(SRC, DST, 40000, 8080, "S"), SYN_ACK])[0] == ["reply-lost"]
    assert judge([SYN, RST], [tcp(SRC, DST, 40000, 8080, "S"), RST])[0] == ["refused"]
    assert judge([SYN, RST], [])[0] == ["rejected-in-path"]  # a RST the destination never sent
    assert judge([], [])[0] == ["never-left"]  # the probe went to DST:8080, the source saw nothing leave


def test_without_a_working_capture_at_the_destination_silence_proves_nothing():
    assert judge([SYN], [], destination_error="no tcpdump in lab/dst")[0] == ["unanswered"]
    assert judge([SYN, RST], [], destination_error="no tcpdump in lab/dst")[0] == ["refused"]


def test_service_address_translated_to_an_address_that_is_no_endpoint():
    expected = Expected({DST: "lab/dst"}, frozenset([80, 8080]), frozenset([SVC]))
    verdicts, findings = judge([tcp(SRC, OTHER, 40001, 8080, "S", 0, OUTGOING)], [], expected)
    assert verdicts == ["dnat-unexpected"] and f"{OTHER}:8080" in findings[0].message and DST in findings[0].message


def test_service_address_answered_but_no_endpoint_saw_it_was_translated_elsewhere():
    expected = Expected({DST: "lab/dst"}, frozenset([80, 8080]), frozenset([SVC]))
    to_service = tcp(SRC, SVC, 40003, 80, "S", 0, OUTGOING)
    verdicts, findings = judge([to_service, tcp(SVC, SRC, 80, 40003, "SA", 0.001)], [], expected)
    assert verdicts == ["dnat-unexpected"] and "none of the endpoints' captures saw" in findings[0].message
    assert judge([to_service, tcp(SVC, SRC, 80, 40003, "SA", 0.001)], [], expected,
                 destination_error="no tcpdump")[0] == ["answered"]  # an endpoint we could not watch may have it


def test_service_address_seen_at_the_source_is_judged_at_every_endpoint():
    expected = Expected({DST: "lab/dst"}, frozenset([80, 8080]), frozenset([SVC]))
    to_service = tcp(SRC, SVC, 40002, 80, "S", 0, OUTGOING)
    assert judge([to_service], [tcp(SRC, DST, 40002, 8080, "S"), tcp(DST, SRC, 8080, 40002, "SA")], expected)[0] == ["reply-lost"]


def test_udp_reply_port_unreachable_and_silence():
    expected = Expected({DST: "lab/dst"}, frozenset([7000]), probed=(("UDP", DST, 7000),))
    sent = udp(SRC, DST, 5000, 7000)
    assert judge([sent, udp(DST, SRC, 7000, 5000, 0.001)], [sent], expected)[0] == ["answered"]
    icmp = unreachable(DST, SRC, ("UDP", SRC, 5000, DST, 7000), 0.001)
    assert judge([sent, icmp], [sent, icmp], expected)[0] == ["refused"]
    assert judge([sent], [sent], expected)[0] == ["no-answer"]


def test_replies_to_other_peoples_datagrams_are_not_our_flows():
    asked, answer = udp(DST, SRC, 5000, 7000, 0.0), udp(SRC, DST, 7000, 5000, 0.001)  # SRC serving DST
    expected = Expected({DST: "lab/dst"}, frozenset([5000, 7000]))
    assert judge([asked, answer], [], expected)[0] == []
