"""Run one of our fixed Python probe scripts (the --count repeats, the MTU ladder) in a source pod:
in the first container that has python3 or python — the chosen one, its siblings (they share the
pod's network), then ephemeral containers netdebug added (`--ephemeral`)."""
from dataclasses import dataclass

from ..model import objects
from .repeat import exec_seconds, parse_attempts, repeat_argv
from .mtu import mtu_argv, parse_mtu
from .tools import Toolset, missing_binary

NO_PYTHON = "needs python3 or python in the source container; use --ephemeral IMAGE with one (e.g. nicolaka/netshoot)"
EPHEMERAL_PREFIX = "netdebug-"


@dataclass(frozen=True)
class Ran:
    stdout: str = ""
    tool: str | None = None
    error: str | None = None


def repeats(cluster, pod: dict, container: str | None, targets: list[tuple], count: int, timeout: float) -> tuple:
    """(attempts per target as (outcome, ms), python used) or (None, error text)."""
    ran = run(cluster, pod, container, lambda python: repeat_argv(Toolset(frozenset([python])), targets, count, timeout),
              exec_seconds(count, timeout))
    return (parse_attempts(ran.stdout, len(targets)), ran.tool) if ran.error is None else (None, ran.error)


def mtu_ladder(cluster, pod: dict, container: str | None, hosts: list[str], timeout: float) -> tuple:
    """(host -> parsed ladder, None) or (None, error text)."""
    ran = run(cluster, pod, container, lambda python: mtu_argv(python, hosts, max(0.5, timeout / 2)), 2 * timeout + 3)
    if ran.error is not None:
        return None, ran.error
    parsed = parse_mtu(ran.stdout)
    return (None, parsed["*"].get("error")) if "*" in parsed else (parsed, None)


def run(cluster, pod: dict, container: str | None, argv_for, seconds: float) -> Ran:
    namespace, name = objects.namespace(pod), objects.name(pod)
    for candidate in _containers(cluster, pod, container):
        for python in ("python3", "python"):
            result = cluster.exec(namespace, name, candidate, argv_for(python), timeout=seconds)
            if result.error and missing_binary(result.error):
                continue
            if result.returncode != 0:
                return Ran(error=result.error or (result.stderr.strip().splitlines() or ["no output"])[-1])
            return Ran(result.stdout, python)
    return Ran(error=NO_PYTHON)


def _containers(cluster, pod: dict, chosen: str | None):
    """Lazily: a fresh read of the pod (for ephemeral containers) only when the others lack Python."""
    names = [c["name"] for c in objects.pod_containers(pod)]
    chosen = chosen or names[0]
    yield from [chosen] + [name for name in names if name != chosen]
    fresh = cluster.get("Pod", objects.namespace(pod), objects.name(pod)) or {}
    added = [c["name"] for c in objects.spec(fresh).get("ephemeralContainers") or [] if c["name"].startswith(EPHEMERAL_PREFIX)]
    yield from reversed(added)
