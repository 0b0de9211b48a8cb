"""The small cluster protocol between the plugins' live wiring and the cluster: what kube/client.Cluster
offers and what a test's fake runtime (tests/fakeruntime.py) offers instead, so that the orchestration
(plan -> read -> probe -> conclude) is the same code with either."""
from typing import Protocol, runtime_checkable

from .exec_result import ExecResult


@runtime_checkable
class ExecRuntime(Protocol):
    """All the probe runner (probe/batch.py) needs."""

    def exec(self, namespace: str, pod: str, container: str, argv: list[str], stdin: bytes | None = None,
             timeout: float = 5.0) -> ExecResult: ...


@runtime_checkable
class ClusterRuntime(ExecRuntime, Protocol):
    """All svcdebug's live wiring needs: reads (forbidden ones recorded in `gaps`), logs, exec."""

    namespace: str  # the namespace of the current context (or -n)
    gaps: list

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None: ...

    def list(self, kind: str, namespace: str | None = None, label_selector: str | None = None,
             field_selector: str | None = None) -> list[dict]: ...

    def logs(self, namespace: str, pod: str, container: str, tail_lines: int = 50) -> str: ...
