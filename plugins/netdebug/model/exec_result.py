"""What running one command in a container gave back, like subprocess.run's result (pure data).

kube/exec.py produces it over the API server; probe/ classifies it; tests build it by hand.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ExecResult:
    stdout: str
    stderr: str
    returncode: int | None  # None: the command did not finish (see error / timed_out)
    error: str | None = None  # the command could not run at all
    timed_out: bool = False
    elapsed_ms: float = 0.0
    started: bool = True  # False: the exec stream itself was refused (forbidden, no such pod/container)

    @property
    def ok(self) -> bool:
        return self.error is None and self.returncode == 0
