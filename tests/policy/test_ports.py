"""ConnectionSet algebra and its canonical string form."""
from netdebug.policy.ports import ALL, NONE, ConnectionSet, parse


def test_union_merges_adjacent_and_overlapping_ranges():
    a = ConnectionSet.single("TCP", 80, 90) | ConnectionSet.single("TCP", 91) | ConnectionSet.single("UDP", 53)
    assert str(a) == "TCP 80-91;UDP 53"
    assert str(a | ConnectionSet.single("TCP", 85, 100)) == "TCP 80-100;UDP 53"


def test_intersection():
    a = parse("TCP 80,8080-8090;UDP all")
    b = parse("TCP 8085-9000;UDP 53;SCTP 1")
    assert str(a & b) == "TCP 8085-8090;UDP 53"
    assert (a & NONE).is_empty and (a & ALL) == a and (ALL & a) == a


def test_all_none_and_round_trip():
    assert str(ALL) == "all" and str(NONE) == "none"
    full = ConnectionSet.single("TCP") | ConnectionSet.single("UDP") | ConnectionSet.single("SCTP")
    assert full.is_all and str(full) == "all"
    for text in ("TCP 80,8080-8090;UDP 53", "TCP all;SCTP 9", "all", "none"):
        assert str(parse(text)) == text


def test_contains():
    a = parse("TCP 80,8080-8090;UDP 53")
    assert a.contains("TCP", 8085) and a.contains("tcp", 80) and not a.contains("TCP", 81)
    assert a.contains("UDP") and not a.contains("SCTP")


def test_difference():
    a = parse("TCP 80-90,100;UDP all")
    assert str(a - parse("TCP 85;UDP 53")) == "TCP 80-84,86-90,100;UDP 1-52,54-65535"
    assert str(a - parse("TCP 1-95")) == "TCP 100;UDP all"
    assert (a - a).is_empty and (a - NONE) == a and (NONE - a).is_empty
    assert str(ALL - parse("TCP all;UDP all")) == "SCTP all"
    assert str(parse("TCP 10-20") - parse("TCP 5-12,15,18-30")) == "TCP 13-14,16-17"
