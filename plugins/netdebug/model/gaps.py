"""What a live snapshot could not see (RBAC, an API the server does not serve), in one vocabulary.

A gap is never "not found": the lookups that would conclude absence ask `unreadable()` first and
either stop with `Unanswerable` (exit 3) or carry the gap as a note and an unknown (`?`) hop.
"""
from dataclasses import dataclass

from ..errors import ClusterError

FORBIDDEN = "forbidden"
NOT_SERVED = "not served"
IGNORED = "ignored"  # live: a field netdebug cannot read was dropped; it hides no object


@dataclass(frozen=True)
class Gap:
    """One read that failed: `verb` `resource` (plural) in `namespace` (None: cluster-wide or all)."""

    kind: str
    namespace: str | None
    reason: str = FORBIDDEN  # FORBIDDEN, NOT_SERVED
    verb: str = "list"
    resource: str = ""
    name: str | None = None
    detail: str = ""  # the API server's own message
    readable: tuple = ()  # a forbidden list across namespaces: the namespaces read one by one instead

    @property
    def permission(self) -> str:
        """`list pods in namespace shop`, `get services backend in namespace shop`, `list nodes` (what RBAC must grant)."""
        what = " ".join(part for part in (self.verb, self.resource or self.kind, self.name) if part)
        if self.readable:
            return f"{what} outside namespace {', '.join(self.readable)}"
        return f"{what} in namespace {self.namespace}" if self.namespace else what

    @property
    def sentence(self) -> str:
        if self.reason == IGNORED:
            return f"ignored what netdebug cannot read in {self.detail}"
        return f"could not {self.permission}: {self.reason}"

    def covers(self, kind: str, namespace: str | None) -> bool:
        """Could this gap hide objects of `kind` in `namespace` (None: in some namespace)?"""
        if self.reason == IGNORED or self.kind != kind or (namespace is not None and namespace in self.readable):
            return False
        return self.namespace is None or namespace is None or self.namespace == namespace


class Unanswerable(ClusterError):
    """The question needs something a gap hid: exit 3 with the gap and what it stopped."""

    def __init__(self, gap: Gap, consequence: str):
        super().__init__(f"{gap.sentence} — {consequence}")
        self.gap = gap


def unreadable(gaps, kind: str, namespace: str | None = None) -> Gap | None:
    """The first gap that may hide objects of `kind` in `namespace`, if any."""
    return next((gap for gap in gaps if gap.covers(kind, namespace)), None)


def require(gaps, kind: str, namespace: str | None, consequence: str) -> None:
    """Raise Unanswerable when a gap may hide the objects of `kind` this answer cannot do without."""
    gap = unreadable(gaps, kind, namespace)
    if gap is not None:
        raise Unanswerable(gap, consequence)


def notes(gaps, kinds=None) -> list[str]:
    """One sentence per gap (of `kinds`, when given), said in every output format."""
    return [gap.sentence for gap in dict.fromkeys(gaps) if kinds is None or gap.kind in kinds]
