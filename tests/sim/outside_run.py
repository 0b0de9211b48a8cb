"""Bring-up of the outside namespace's processes: its DNS (the external zone's authoritative server and
this machine's resolver) and the API relay."""
import os
import shutil
import sys

from . import netns, outside
from .registry import ETC_NETNS


def write_etc(plane, public_ca: str) -> None:
    """The outside machine's resolver (its own DNS server on 127.0.0.1) and the CAs it trusts: the
    simulated public CA only (`ip netns exec` mounts these over /etc/resolv.conf and /etc/ssl)."""
    directory = os.path.join(ETC_NETNS, plane.outside)
    os.makedirs(os.path.join(directory, "ssl", "certs"), exist_ok=True)
    _write(os.path.join(directory, "resolv.conf"), "nameserver 127.0.0.1\n")
    shutil.copyfile(public_ca, os.path.join(directory, "ssl", "certs", "ca-certificates.crt"))
    if os.path.exists("/etc/ssl/openssl.cnf"):
        shutil.copyfile("/etc/ssl/openssl.cnf", os.path.join(directory, "ssl", "openssl.cnf"))


def start_dns(plane) -> None:
    """The zone's authoritative server and this machine's (caching) resolver in front of it."""
    os.makedirs(plane.file("outside"), exist_ok=True)
    domains, pids = outside.zones(plane.objects), []
    cache = plane.file("outside", "cache.hosts")
    _write(cache, "".join(f"{ip} {name}\n" for ip, name in outside.cached_records(plane.objects)))
    configs = {"authority": outside.authority_config(outside.records(plane.objects), plane.file("outside", "authority.log"),
                                                     plane.file("outside", "authority.pid"), domains),
               "resolver": outside.resolver_config(cache, plane.file("outside", "resolver.log"),
                                                   plane.file("outside", "resolver.pid"), domains)}
    for name, config in configs.items():
        conf = plane.file("outside", f"{name}.conf")
        _write(conf, config)
        plane.daemons.spawn([netns.binary("ip"), "netns", "exec", plane.outside, netns.binary("dnsmasq"),
                             f"--conf-file={conf}"], plane.file("outside", f"{name}.out"))
        pids.append(plane.file("outside", f"{name}.pid"))
    plane.daemons.wait_for(pids, "outside dnsmasq")


def start_relay(plane, port: int) -> None:
    """The API server's 127.0.0.1 port, answered inside the outside namespace too."""
    ready = plane.file("outside", "relay.ready")
    plane.daemons.spawn([sys.executable, "-m", "tests.sim.relay", f"/run/netns/{plane.outside}", str(port), ready],
                        plane.file("outside", "relay.log"))
    plane.daemons.wait_for([ready], "API relay")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)
