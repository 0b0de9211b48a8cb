"""Run kubectl-netpath in-process, scenario paths and golden files for the netpath tests."""
import json
from pathlib import Path

import pytest

from netdebug.cli.netpath import command
from tests import support

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios" / "netpath"
GOLDEN = Path(__file__).resolve().parent / "golden"


def netpath(*args: str) -> tuple[int, str]:
    """(exit code, stdout) of `kubectl netpath ARGS`, run as run_main runs it, without exiting."""
    return support.invoke(command, "kubectl-netpath", args)


def offline(scenario: str, *args: str) -> tuple[int, dict]:
    code, out = netpath(*args, "-f", str(SCENARIOS / scenario), "-o", "json")
    return code, json.loads(out)


def hop(report: dict, name: str) -> dict:
    found = [h for h in report["hops"] if h["name"] == name]
    assert found, f"no {name} hop in {[h['name'] for h in report['hops']]}"
    return found[0]


def codes(report: dict) -> list[str]:
    return [f["code"] for f in report["findings"]]


def check_golden(name: str, actual: str) -> None:
    support.check_golden(GOLDEN, name, actual)


@pytest.fixture
def golden():
    return check_golden


def live(sim, *args: str) -> tuple[int, dict]:
    """`kubectl netpath ARGS -o json` against a simulated cluster (real client, real probes)."""
    code, out = netpath(*args, "--kubeconfig", sim.kubeconfig, "-o", "json")
    return code, json.loads(out)


def probe(report: dict, role: str, **match) -> dict:
    found = [p for p in report["probes"] if p["role"] == role and all(p.get(k) == v for k, v in match.items())]
    assert found, f"no {role} probe {match} in {report['probes']}"
    return found[0]
