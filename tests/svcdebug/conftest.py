"""Run kubectl-svcdebug in-process, scenario paths and golden files for the svcdebug tests."""
import json
from pathlib import Path

import pytest

from netdebug.cli.svcdebug import command
from tests import support

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios" / "svcdebug"
GOLDEN = Path(__file__).resolve().parent / "golden"


def svcdebug(*args: str) -> tuple[int, str]:
    """(exit code, stdout) of `kubectl svcdebug ARGS` run as run_main runs it, without exiting."""
    return support.invoke(command, "kubectl-svcdebug", args)


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
    support.check_golden(GOLDEN, name, actual)


@pytest.fixture
def golden():
    return check_golden
