"""Sets of (protocol, port) with set algebra and one canonical string form.

A ConnectionSet maps each protocol to sorted, merged, inclusive port intervals.
`str()` gives "all", "none" or e.g. "TCP 80,8080-8090;UDP 53" ("TCP all" for every TCP port).
"""
from dataclasses import dataclass

PROTOCOLS = ("TCP", "UDP", "SCTP")
MIN_PORT, MAX_PORT = 1, 65535
FULL = ((MIN_PORT, MAX_PORT),)

Intervals = tuple[tuple[int, int], ...]


def merge(intervals) -> Intervals:
    """Sort and merge overlapping or adjacent inclusive intervals."""
    merged: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def subtract(left: Intervals, right: Intervals) -> Intervals:
    """The ports of `left` not in `right` (both sorted and merged)."""
    found = []
    for lo, hi in left:
        for cut_lo, cut_hi in right:
            if cut_hi < lo or cut_lo > hi:
                continue
            if cut_lo > lo:
                found.append((lo, cut_lo - 1))
            lo = cut_hi + 1
            if lo > hi:
                break
        if lo <= hi:
            found.append((lo, hi))
    return tuple(found)


def intersect(left: Intervals, right: Intervals) -> Intervals:
    found, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        lo, hi = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if lo <= hi:
            found.append((lo, hi))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return tuple(found)


@dataclass(frozen=True)
class ConnectionSet:
    ports: tuple[tuple[str, Intervals], ...] = ()  # (protocol, intervals) in PROTOCOLS order, none empty

    @classmethod
    def of(cls, by_protocol: dict) -> "ConnectionSet":
        items = []
        for proto in PROTOCOLS:
            intervals = merge(by_protocol.get(proto, ()))
            if intervals:
                items.append((proto, intervals))
        return cls(tuple(items))

    @classmethod
    def all(cls) -> "ConnectionSet":
        return ALL

    @classmethod
    def none(cls) -> "ConnectionSet":
        return NONE

    @classmethod
    def single(cls, protocol: str, lo: int | None = None, hi: int | None = None) -> "ConnectionSet":
        """One protocol: every port (lo None), one port, or the range lo..hi."""
        interval = FULL[0] if lo is None else (lo, hi if hi is not None else lo)
        return cls.of({protocol: [interval]})

    def as_dict(self) -> dict:
        return dict(self.ports)

    def __or__(self, other: "ConnectionSet") -> "ConnectionSet":
        if self.is_all or other.is_empty:
            return self
        if other.is_all or self.is_empty:
            return other
        mine, theirs = self.as_dict(), other.as_dict()
        return ConnectionSet.of({p: mine.get(p, ()) + theirs.get(p, ()) for p in PROTOCOLS})

    def __and__(self, other: "ConnectionSet") -> "ConnectionSet":
        if self.is_all or other.is_empty:
            return other
        if other.is_all or self.is_empty:
            return self
        theirs = other.as_dict()
        return ConnectionSet.of({p: intersect(iv, theirs[p]) for p, iv in self.ports if p in theirs})

    def __sub__(self, other: "ConnectionSet") -> "ConnectionSet":
        if other.is_empty or self.is_empty:
            return self
        theirs = other.as_dict()
        return ConnectionSet.of({p: subtract(iv, theirs.get(p, ())) for p, iv in self.ports})

    def contains(self, protocol: str, port: int | None = None) -> bool:
        """True if this port (or, with port None, any port) of the protocol is in the set."""
        intervals = self.as_dict().get(protocol.upper(), ())
        if port is None:
            return bool(intervals)
        return any(lo <= port <= hi for lo, hi in intervals)

    @property
    def is_all(self) -> bool:
        return self.ports == ALL.ports

    @property
    def is_empty(self) -> bool:
        return not self.ports

    def __bool__(self) -> bool:
        return bool(self.ports)

    def __str__(self) -> str:
        if self.is_all:
            return "all"
        if self.is_empty:
            return "none"
        return ";".join(f"{proto} {_intervals_text(iv)}" for proto, iv in self.ports)


def union_all(sets) -> ConnectionSet:
    """The union of many sets at once (one sort and merge per protocol)."""
    by_protocol: dict = {}
    for connections in sets:
        if connections.is_all:
            return ALL
        for proto, intervals in connections.ports:
            by_protocol.setdefault(proto, []).extend(intervals)
    return ConnectionSet.of(by_protocol)


def _intervals_text(intervals: Intervals) -> str:
    if intervals == FULL:
        return "all"
    return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in intervals)


def parse(text: str) -> ConnectionSet:
    """The inverse of str(): "all", "none", "TCP 80,90-95;UDP all"."""
    text = text.strip()
    if text == "all":
        return ALL
    if text == "none":
        return NONE
    by_protocol: dict = {}
    for part in text.split(";"):
        proto, _, ports = part.strip().partition(" ")
        by_protocol[proto] = FULL if ports == "all" else [_parse_range(p) for p in ports.split(",")]
    return ConnectionSet.of(by_protocol)


def _parse_range(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)


ALL = ConnectionSet(tuple((proto, FULL) for proto in PROTOCOLS))
NONE = ConnectionSet(())
