"""The pcap reader on damaged and hostile input: packets or one InputError, never another exception."""
from hypothesis import given, settings
from hypothesis import strategies as st

from netdebug.errors import InputError
from netdebug.probe.pcap import read_pcap
from tests.capture.pcapdata import dns_query, ethernet, icmp, ipv4, ipv6, pcap, sll2, tcp, udp

FRAMES = [ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, "S"))),
          sll2(ipv4("10.0.0.1", "10.96.0.10", 17, udp(5, 53, dns_query(7, "a.b.c"))), True),
          ethernet(ipv6("fd00::1", "fd00::2", 6, tcp(3, 4, "SA"))),
          ethernet(ipv4("10.0.0.2", "10.0.0.1", 1, icmp(3, 4, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, "PA")))))]
VALID = [pcap(1, [FRAMES[0], FRAMES[2], FRAMES[3]]), pcap(276, [FRAMES[1]])]


def _read(data: bytes) -> None:
    try:
        packets = read_pcap(data, "fuzzed.pcap")
    except InputError as err:
        assert "fuzzed.pcap" in str(err)
        return
    assert all(p.src and p.dst for p in packets)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(VALID), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), max_size=12),
       st.integers(0, 400))
def test_flipped_bytes_and_cut_files(data, flips, cut):
    damaged = bytearray(data)
    for offset, value in flips:
        if offset < len(damaged):
            damaged[offset] = value
    _read(bytes(damaged[:len(damaged) - cut if cut < len(damaged) else len(damaged)]))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_after_a_valid_header(tail):
    _read(VALID[0][:24] + tail)
    _read(tail)
