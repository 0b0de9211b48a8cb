"""Helpers shared by the CLI test suites: run a click command in-process, compare golden files."""
import importlib
import io
import os
from contextlib import redirect_stdout
from pathlib import Path


def invoke(command, prog_name: str, args) -> tuple[int, str]:
    """(exit code, stdout) of a click command run as run_main runs it, without exiting."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = command.main(args=list(args), prog_name=prog_name, standalone_mode=False)
    return int(code or 0), out.getvalue()


def check_golden(golden_dir: Path, name: str, actual: str) -> None:
    """Compare with golden_dir/NAME; NETDEBUG_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = golden_dir / name
    if os.environ.get("NETDEBUG_UPDATE_GOLDEN"):
        path.write_text(actual)
    assert path.exists(), f"golden file {path} missing (run with NETDEBUG_UPDATE_GOLDEN=1 once)"
    assert actual == path.read_text(), f"output differs from {path}"


def run_plugin(capsys, plugin: str, *args) -> tuple[int, str, str]:
    """Run a plugin's main() as the launcher does (errors as one line, exit codes); (code, stdout, stderr)."""
    main = importlib.import_module(f"netdebug.cli.{plugin}").main
    try:
        main(list(args))
    except SystemExit as exit_:
        out, err = capsys.readouterr()
        return exit_.code, out, err
    raise AssertionError(f"{plugin} main() returned without exiting")


REAL_SHAPES = "tests/simtests/scenarios/real-shapes"  # tests/sim/shapes.py: fields real clusters leave empty


def both_shapes(scenario: str) -> list:
    """sim_cluster params: the scenario as the simulator fills it, and as real clusters often serve it."""
    import pytest

    return [pytest.param(scenario, id="sim-shapes"), pytest.param((scenario, REAL_SHAPES), id="real-shapes")]
