"""Golden files and a way to run one netpolicy subcommand in-process."""
import io
import os
from contextlib import redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MANIFESTS = HERE / "manifests"
UPDATE = bool(os.environ.get("NETDEBUG_UPDATE_GOLDEN"))


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/netpolicy/golden/NAME; NETDEBUG_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual)
    assert path.exists(), f"golden file {path} missing (run with NETDEBUG_UPDATE_GOLDEN=1 once)"
    assert actual == path.read_text(), f"output differs from {path}"


def invoke(command, args: list[str]) -> tuple[int, str]:
    """Run a click command as run_main does (returned exit code, stdout), without exiting."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = command.main(args=args, prog_name="kubectl-netpolicy", standalone_mode=False)
    return int(code or 0), out.getvalue()


@pytest.fixture
def golden():
    return check_golden
