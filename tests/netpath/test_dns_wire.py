"""The DNS message codec behind the authoritative check (probe/dns_wire.py): hand-built messages."""
import struct

import pytest

from netdebug.probe import dns_wire


def name(text: str) -> bytes:
    return b"".join(bytes([len(p)]) + p.encode() for p in text.split(".")) + b"\0"


def response(ident=7, flags=0x8500, answers=(), authority=0) -> bytes:
    head = struct.pack("!HHHHHH", ident, flags, 1, len(answers), authority, 0)
    return head + name("shop.example.com") + struct.pack("!HH", 1, 1) + b"".join(answers)


def record(kind: int, data: bytes, owner=b"\xc0\x0c") -> bytes:  # owner: a pointer to the question's name
    return owner + struct.pack("!HHIH", kind, 1, 300, len(data)) + data


def test_query_layout():
    message = dns_wire.query(0x1234, "shop.example.com.", "NS", recursion=False)
    assert message[:4] == b"\x12\x34\x00\x00" and message.endswith(name("shop.example.com") + b"\x00\x02\x00\x01")
    assert dns_wire.query(1, "a.b", "A", recursion=True)[2:4] == b"\x01\x00"  # RD


def test_authoritative_addresses_and_name_servers():
    answer = dns_wire.parse(response(answers=[record(1, bytes([203, 0, 113, 10])), record(2, name("ns1.example.com")),
                                              record(28, bytes(15) + b"\x01")]), 7)
    assert (answer.rcode, answer.authoritative) == ("NOERROR", True)
    assert answer.addresses == ["203.0.113.10", "::1"] and answer.name_servers == ["ns1.example.com"]


def test_cname_targets():
    answer = dns_wire.parse(response(answers=[record(5, name("a1.elb.example.net"))]), 7)
    assert answer.aliases == ["a1.elb.example.net"] and answer.addresses == []


def test_negative_answer_and_not_authoritative():
    answer = dns_wire.parse(response(flags=0x8183), 7)
    assert (answer.rcode, answer.authoritative, answer.addresses) == ("NXDOMAIN", False, [])


@pytest.mark.parametrize("message", [b"\x00\x07", response(ident=8), response(answers=[b"\xc0"])])
def test_bad_messages_raise_value_error(message):
    with pytest.raises(ValueError):
        dns_wire.parse(message, 7)
