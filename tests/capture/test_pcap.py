"""The pcap reader against hand-built files: every link type, byte order, IPv4/IPv6, TCP, UDP, DNS, ICMP."""
import pytest

from netdebug.errors import InputError
from netdebug.probe.pcap import read_pcap
from tests.capture.pcapdata import (dns_query, ethernet, icmp, ipv4, ipv6, pcap, sll, sll2, tcp, udp)

SYN = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 8080, "S", seq=100))
SYN_ACK = ipv4("10.0.0.2", "10.0.0.1", 6, tcp(8080, 40000, "SA", seq=500, ack=101))


@pytest.mark.parametrize("linktype,wrap", [(1, ethernet), (1, lambda ip: ethernet(ip, vlan=True)), (101, lambda ip: ip),
                                           (276, lambda ip: sll2(ip, True)), (113, lambda ip: sll(ip, True))])
def test_tcp_handshake_through_every_link_type(linktype, wrap):
    packets = read_pcap(pcap(linktype, [wrap(SYN), wrap(SYN_ACK)]))
    assert [(p.src, p.sport, p.dst, p.dport, p.flags) for p in packets] == [
        ("10.0.0.1", 40000, "10.0.0.2", 8080, "S"), ("10.0.0.2", 8080, "10.0.0.1", 40000, "SA")]
    assert packets[0].syn and packets[1].syn_ack and packets[1].ack == 101 and packets[0].seq == 100
    assert packets[0].dont_fragment and packets[0].length == 40


def test_cooked_captures_say_which_way_the_packet_went():
    out, into = read_pcap(pcap(276, [sll2(SYN, True), sll2(SYN_ACK, False)]))
    assert (out.direction, into.direction) == ("out", "in")
    assert read_pcap(pcap(113, [sll(SYN, False)]))[0].direction == "in"
    assert read_pcap(pcap(1, [ethernet(SYN)]))[0].direction is None


@pytest.mark.parametrize("big_endian,nano", [(False, False), (True, False), (False, True), (True, True)])
def test_byte_orders_and_timestamp_units(big_endian, nano):
    first, second = read_pcap(pcap(101, [SYN, SYN_ACK], big_endian=big_endian, nano=nano, start=1700000000.25))
    assert first.time == pytest.approx(1700000000.25, abs=1e-6)
    assert second.time - first.time == pytest.approx(0.001, abs=1e-6)


def test_tcp_payload_reset_and_ipv6():
    data = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 8080, "PA", payload=b"x" * 1000))
    reset = ipv6("fd00::2", "fd00::1", 6, tcp(8080, 40000, "RA"))
    packets = read_pcap(pcap(1, [ethernet(data), ethernet(reset)]))
    assert packets[0].payload == 1000 and packets[0].length == 1040
    assert packets[1].reset and packets[1].src == "fd00::2" and packets[1].protocol == "TCP"


def test_dns_query_and_answer():
    query = ipv4("10.0.0.1", "10.96.0.10", 17, udp(5555, 53, dns_query(0x1234, "web.shop.svc.cluster.local")))
    answer = ipv4("10.96.0.10", "10.0.0.1", 17, udp(53, 5555, dns_query(0x1234, "web.shop.svc.cluster.local",
                                                                        response=True, rcode=3)))
    asked, told = read_pcap(pcap(101, [query, answer]))
    assert (asked.dns.id, asked.dns.qname, asked.dns.response) == (0x1234, "web.shop.svc.cluster.local", False)
    assert told.dns.response and told.dns.rcode == 3 and told.sport == 53 and told.payload > 12


def test_icmp_error_names_the_packet_it_is_about():
    probe = ipv4("10.0.0.1", "10.0.0.2", 17, udp(40000, 7000, b"hi"))
    unreachable = ipv4("10.0.0.2", "10.0.0.1", 1, icmp(3, 3, probe))
    packet = read_pcap(pcap(101, [unreachable]))[0]
    assert packet.icmp == (3, 3) and packet.inner == ("UDP", "10.0.0.1", 40000, "10.0.0.2", 7000)


def test_other_frames_and_damaged_records_are_skipped_not_fatal():
    arp = b"\xff" * 6 + b"\x02" * 6 + b"\x08\x06" + b"\x00" * 28
    data = pcap(1, [arp, ethernet(SYN)[:20], ethernet(SYN_ACK)])
    assert [p.flags for p in read_pcap(data)] == ["SA"]
    assert [p.flags for p in read_pcap(pcap(1, [ethernet(SYN), ethernet(SYN_ACK)])[:-10])] == ["S"]  # cut mid-record


@pytest.mark.parametrize("data,message", [(b"", "not a pcap file"), (b"hello world" * 3, "not a pcap file"),
                                          (b"\x0a\x0d\x0d\x0a" + b"\0" * 40, "pcapng is not supported")])
def test_not_a_pcap_is_one_clear_error(data, message):
    with pytest.raises(InputError, match=message):
        read_pcap(data, "x.pcap")


def test_unknown_link_type_reads_nothing():
    assert read_pcap(pcap(147, [SYN])) == []
