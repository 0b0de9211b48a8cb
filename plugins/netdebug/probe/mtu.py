"""Path MTU from a pod: ICMP echoes with Don't Fragment set, of growing sizes, all at once.

The script (Python: raw ICMP socket, else an unprivileged ICMP datagram socket) learns the
interface MTU towards each target (IP_MTU of a connected UDP socket), sends one echo per size of a
ladder up to it, then a second round between the largest size that came back and the smallest
that did not. It prints, per target: `TARGET mtu N`, `TARGET pass SIZE`, `TARGET fail SIZE`,
`TARGET frag-needed MTU` (an ICMP "fragmentation needed" came back: PMTU discovery works), or
`TARGET error TEXT`. Sizes are whole IP packets.
"""
PY_MTU = r"""
import os, socket, struct, sys, time, select
timeout, targets = float(sys.argv[1]), sys.argv[2:]
LADDER = [576, 1000, 1200, 1280, 1300, 1350, 1380, 1400, 1410, 1420, 1430, 1440, 1450, 1460, 1470, 1480, 1490,
          1500, 2000, 4000, 8000, 8950, 9000]
def checksum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def open_socket():
    for kind in (socket.SOCK_RAW, socket.SOCK_DGRAM):
        try:
            s = socket.socket(socket.AF_INET, kind, socket.IPPROTO_ICMP)
            s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO: Don't Fragment
            return s, kind == socket.SOCK_RAW
        except (socket.error, OSError):
            continue
    return None, False
def iface_mtu(host):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect((host, 9))
    try: return u.getsockopt(socket.IPPROTO_IP, 14)  # IP_MTU
    finally: u.close()
def round_trip(sock, raw, sizes_by_target):
    ident, pending, sent = os.getpid() & 0xffff, {}, 0
    for host, sizes in sizes_by_target.items():
        for size in sizes:
            sent += 1; seq = sent
            body = b"n" * (size - 28)
            header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            packet = struct.pack("!BBHHH", 8, 0, checksum(header + body), ident, seq) + body
            try:
                sock.sendto(packet, (host, 0)); pending[seq] = (host, size)
            except (socket.error, OSError) as e:
                print("%s fail %d" % (host, size)) if getattr(e, "errno", 0) == 90 else print("%s error %s" % (host, e))
    passed, deadline = set(), time.time() + timeout
    while pending and time.time() < deadline:
        ready = select.select([sock], [], [], max(0.0, deadline - time.time()))[0]
        if not ready: break
        data, peer = sock.recvfrom(65535)
        icmp = data[(data[0] & 15) * 4:] if raw else data
        if icmp[0] == 3 and icmp[1] == 4 and len(icmp) >= 36:
            host = socket.inet_ntoa(icmp[24:28])
            print("%s frag-needed %d" % (host, struct.unpack("!H", icmp[6:8])[0]))
            continue
        if icmp[0] != 0: continue
        seq = struct.unpack("!H", icmp[6:8])[0]
        if seq in pending and (not raw or struct.unpack("!H", icmp[4:6])[0] == ident):
            host, size = pending.pop(seq); passed.add((host, size)); print("%s pass %d" % (host, size))
    for host, size in pending.values():
        print("%s fail %d" % (host, size))
    return passed
sock, raw = open_socket()
if sock is None:
    print("* error cannot open an ICMP socket (needs NET_RAW or ping_group_range)"); sys.exit(0)
mtus = {}
for host in targets:
    mtus[host] = iface_mtu(host); print("%s mtu %d" % (host, mtus[host]))
first = {h: sorted(set([s for s in LADDER if s < mtus[h]] + [mtus[h]])) for h in targets}
passed = round_trip(sock, raw, first)
second = {}
for h in targets:
    ok = [s for s in first[h] if (h, s) in passed]; bad = [s for s in first[h] if (h, s) not in passed and ok and s > max(ok)]
    if ok and bad and min(bad) - max(ok) > 1:
        low, high = max(ok), min(bad); step = max(1, (high - low) // 12)
        second[h] = list(range(low + step, high, step))
if second:
    round_trip(sock, raw, second)
sys.stdout.flush()
"""


def mtu_argv(python: str, hosts: list[str], timeout: float) -> list[str]:
    return [python, "-c", PY_MTU, f"{timeout:g}", *hosts]


def parse_mtu(stdout: str) -> dict:
    """host -> {"interfaceMtu", "passed": [sizes], "failed": [sizes], "fragNeeded": MTU|None, "error"}."""
    found: dict = {}
    for line in stdout.splitlines():
        host, _, rest = line.partition(" ")
        word, _, value = rest.partition(" ")
        entry = found.setdefault(host, {"interfaceMtu": None, "passed": [], "failed": [], "fragNeeded": None})
        if word == "mtu" and value.isdigit():
            entry["interfaceMtu"] = int(value)
        elif word in ("pass", "fail") and value.isdigit():
            entry["passed" if word == "pass" else "failed"].append(int(value))
        elif word == "frag-needed" and value.isdigit():
            entry["fragNeeded"] = int(value)
        elif word == "error":
            entry["error"] = value
    return found
