"""Per-run bookkeeping: a state dir, a registry of what was made, and a sweep that removes it all.

Every network namespace of run NAME is called `nds-NAME_...` (`_` never occurs in a run name, so
one run's prefix is never a prefix of another's), every file lives under /run/netdebug-sim/NAME or
/etc/netns/nds-NAME_*, every process is recorded by pid. `sweep(name)` works from those facts alone,
so it also cleans up after a crashed run.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time

STATE_ROOT = os.environ.get("NETDEBUG_SIM_STATE", "/run/netdebug-sim")
NETNS_DIR = "/run/netns"
ETC_NETNS = "/etc/netns"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"run name {name!r}: use 1-24 of a-z, 0-9 and '-' (starting with a letter or digit)")
    return name


def prefix(name: str) -> str:
    return f"nds-{name}_"


def state_dir(name: str) -> str:
    return os.path.join(STATE_ROOT, name)


class Registry:
    """The record of one run, kept on disk so that another process can sweep it."""

    def __init__(self, name: str):
        self.name = check_name(name)
        self.prefix = prefix(name)
        self.dir = state_dir(name)
        self.path = os.path.join(self.dir, "registry.json")

    def create(self) -> "Registry":
        os.makedirs(self.dir, exist_ok=False)
        self._write({"name": self.name, "prefix": self.prefix, "pids": [], "created": time.time(),
                     "owner": os.getpid()})
        return self

    def add_pid(self, pid: int) -> None:
        data = self.read()
        data["pids"].append(pid)
        self._write(data)

    def set(self, key: str, value) -> None:
        data = self.read()
        data[key] = value
        self._write(data)

    def read(self) -> dict:
        try:
            with open(self.path, encoding="utf-8") as stream:
                return json.load(stream)
        except (OSError, ValueError):
            return {"name": self.name, "prefix": self.prefix, "pids": []}

    def _write(self, data: dict) -> None:
        temporary = self.path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.replace(temporary, self.path)

    def file(self, *parts: str) -> str:
        return os.path.join(self.dir, *parts)


def runs() -> list[str]:
    """Names of runs that left anything behind: a state dir or a namespace."""
    found = set(os.listdir(STATE_ROOT)) if os.path.isdir(STATE_ROOT) else set()
    for netns in os.listdir(NETNS_DIR) if os.path.isdir(NETNS_DIR) else []:
        if netns.startswith("nds-") and "_" in netns:
            found.add(netns[4:netns.index("_")])
    return sorted(found)


def is_stale(name: str) -> bool:
    """Left behind: the process that owned the run is gone (or never recorded itself)."""
    owner = Registry(name).read().get("owner")
    return not owner or not os.path.exists(f"/proc/{owner}")


def sweep_stale() -> list[str]:
    """Sweep every run whose owner died (a killed test session, a crashed `up`)."""
    stale = [name for name in runs() if is_stale(name)]
    for name in stale:
        sweep(name)
    return stale


def namespaces(name: str) -> list[str]:
    wanted = prefix(name)
    return sorted(n for n in (os.listdir(NETNS_DIR) if os.path.isdir(NETNS_DIR) else []) if n.startswith(wanted))


def sweep(name: str) -> None:
    """Stop every process of the run, delete its namespaces and files. Safe to call twice."""
    registry = Registry(name)
    owned = set(registry.read().get("pids") or [])
    netns = namespaces(name)
    owned |= {pid for n in netns for pid in _pids_in(n)}
    _stop(pid for pid in owned if _belongs(pid, registry, netns))
    if netns:
        subprocess.run([_ip(), "-force", "-batch", "-"], input="".join(f"netns delete {n}\n" for n in netns),
                       text=True, capture_output=True, check=False)
    for entry in os.listdir(ETC_NETNS) if os.path.isdir(ETC_NETNS) else []:
        if entry.startswith(registry.prefix):
            shutil.rmtree(os.path.join(ETC_NETNS, entry), ignore_errors=True)
    _remove_empty(ETC_NETNS)
    shutil.rmtree(registry.dir, ignore_errors=True)
    _remove_empty(STATE_ROOT)


def _pids_in(netns: str) -> list[int]:
    result = subprocess.run([_ip(), "netns", "pids", netns], capture_output=True, text=True, check=False)
    return [int(p) for p in result.stdout.split()]


def _ip() -> str:
    return shutil.which("ip", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin:/usr/bin:/bin") or "ip"


def _belongs(pid: int, registry: Registry, netns: list[str]) -> bool:
    """A recorded pid is only ours if the process still mentions the run (pids get reused)."""
    if pid == os.getpid():
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as stream:
            cmdline = stream.read().decode(errors="replace")
        inode = os.stat(f"/proc/{pid}/ns/net").st_ino
    except OSError:
        return False
    ours = {os.stat(os.path.join(NETNS_DIR, n)).st_ino for n in netns if os.path.exists(os.path.join(NETNS_DIR, n))}
    return registry.dir in cmdline or registry.prefix in cmdline or inode in ours


def _stop(pids) -> None:
    pids = list(pids)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if _alive(p)]
        time.sleep(0.02)
    for pid in pids:
        _signal(pid, signal.SIGKILL)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stream:
            return stream.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _remove_empty(path: str) -> None:
    try:
        os.rmdir(path)
    except OSError:
        pass
