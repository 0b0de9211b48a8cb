"""Golden files and a way to run one netpolicy subcommand in-process."""
from pathlib import Path

import pytest

from tests import support

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MANIFESTS = HERE / "manifests"


def check_golden(name: str, actual: str) -> None:
    support.check_golden(GOLDEN, name, actual)


def invoke(command, args: list[str]) -> tuple[int, str]:
    """Run a click command as run_main does (returned exit code, stdout), without exiting."""
    return support.invoke(command, "kubectl-netpolicy", args)


@pytest.fixture
def golden():
    return check_golden
