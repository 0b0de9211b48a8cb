"""Run kubectl-svcdebug in-process, scenario paths and golden files for the svcdebug tests."""
import io
import json
import os
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from netdebug.cli.svcdebug import command

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios" / "svcdebug"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = bool(os.environ.get("NETDEBUG_UPDATE_GOLDEN"))


def svcdebug(*args: str) -> tuple[int, str]:
    """(exit code, stdout) of `kubectl svcdebug ARGS` run as run_main runs it, without exiting."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = command.main(args=list(args), prog_name="kubectl-svcdebug", standalone_mode=False)
    return int(code or 0), out.getvalue()


def offline_json(scenario: str, service: str, *args: str) -> tuple[int, dict]:
    code, out = svcdebug(service, "-f", str(SCENARIOS / scenario), "-o", "json", *args)
    return code, json.loads(out)


def finding(report: dict, code: str) -> dict:
    found = [f for f in report["findings"] if f["code"] == code]
    assert found, f"no {code} finding in {[f['code'] for f in report['findings']]}"
    return found[0]


def codes(report: dict) -> set[str]:
    return {f["code"] for f in report["findings"]}


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/svcdebug/golden/NAME; NETDEBUG_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual)
    assert path.exists(), f"golden file {path} missing (run with NETDEBUG_UPDATE_GOLDEN=1 once)"
    assert actual == path.read_text(), f"output differs from {path}"


@pytest.fixture
def golden():
    return check_golden
