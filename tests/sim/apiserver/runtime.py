"""What the API server needs from a container runtime (SIM-NET's netns runtime, or a test fake)."""
import asyncio
from typing import Protocol


class ExecUnavailable(Exception):
    """The container does not exist in the runtime or is not running."""


class BinaryNotFound(Exception):
    """argv[0] is not available in the container."""

    @classmethod
    def for_binary(cls, binary: str, container_id: str = "0" * 64) -> "BinaryNotFound":
        """The message containerd/runc give for a missing executable."""
        return cls(f'failed to exec in container: failed to start exec "{container_id}": OCI runtime exec '
                   f'failed: exec failed: unable to start container process: exec: "{binary}": executable '
                   f'file not found in $PATH: unknown')


class Runtime(Protocol):
    async def spawn(self, pod: dict, container: str, argv: list[str]) -> asyncio.subprocess.Process:
        """Start argv in the container with stdin/stdout/stderr as pipes (called on the server's loop)."""

    def logs(self, pod: dict, container: str) -> list[str]:
        """Log lines of a container, oldest first."""

    def container_added(self, pod: dict, container: dict) -> None:
        """An ephemeral container was added to the pod (the store already holds the new pod)."""
