"""A userspace netem for the fabric: delay, jitter and loss on routed packets (`sim.netdebug.io/netem`).

Kernels without sch_netem (this development VM's) still have TUN: the fabric routes packets for a
shaped destination into the TUN device `shape0`; this daemon holds each packet for its delay (or
drops it) and writes it back, and a policy rule (`iif shape0 lookup 100`) sends it on along the
real route. `python -m tests.sim.shaper SPEC READY_FILE`, run inside the fabric namespace; SPEC is
JSON {"rules": [{"cidr", "delay_ms", "jitter_ms", "loss"}]}, the first matching rule wins.
"""
import asyncio
import fcntl
import ipaddress
import json
import os
import random
import struct
import sys

DEVICE = "shape0"
TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def parse(text: str) -> dict:
    """`delay 200ms 20ms loss 20%` -> {"delay_ms", "jitter_ms", "loss"} (loss as a fraction)."""
    words, found = text.split(), {"delay_ms": 0.0, "jitter_ms": 0.0, "loss": 0.0}
    for index, word in enumerate(words):
        if word == "delay":
            found["delay_ms"] = float(words[index + 1].removesuffix("ms"))
            following = words[index + 2] if index + 2 < len(words) else ""
            if following.endswith("ms"):
                found["jitter_ms"] = float(following.removesuffix("ms"))
        elif word == "loss":
            found["loss"] = float(words[index + 1].removesuffix("%")) / 100
    return found


class Shaper:
    def __init__(self, fd: int, rules: list[dict]):
        self.fd, self.loop = fd, asyncio.get_running_loop()
        self.rules = [(ipaddress.ip_network(r["cidr"]), r) for r in rules]

    def on_readable(self) -> None:
        while True:
            try:
                packet = os.read(self.fd, 65535)
            except BlockingIOError:
                return
            rule = self._rule(packet)
            if rule is None or random.random() < rule["loss"]:
                continue
            delay = max(0.0, rule["delay_ms"] + random.uniform(-rule["jitter_ms"], rule["jitter_ms"])) / 1000
            self.loop.call_later(delay, self._send, packet)

    def _rule(self, packet: bytes) -> dict | None:
        if len(packet) < 20 or packet[0] >> 4 != 4:
            return None
        destination = ipaddress.ip_address(packet[16:20])
        return next((rule for network, rule in self.rules if destination in network), None)

    def _send(self, packet: bytes) -> None:
        try:
            os.write(self.fd, packet)
        except OSError:
            pass  # a full queue drops, like a real link


async def main(spec_path: str, ready_path: str) -> None:
    with open(spec_path, encoding="utf-8") as stream:
        rules = json.load(stream)["rules"]
    fd = open_tun(DEVICE)
    shaper = Shaper(fd, rules)
    shaper.loop.add_reader(fd, shaper.on_readable)
    with open(ready_path, "w", encoding="utf-8") as stream:
        stream.write(str(os.getpid()))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
