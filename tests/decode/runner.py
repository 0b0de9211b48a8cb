"""Run a plugin's `main` in-process as a user would run the executable: exit code, stdout, stderr."""
import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from netdebug.cli import netpath, netpolicy, svcdebug

PLUGINS = {"netpolicy": netpolicy.main, "netpath": netpath.main, "svcdebug": svcdebug.main}


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run(plugin: str, *argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            PLUGINS[plugin](list(argv))
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def one_error_line(result: Result, code: int, *fragments: str) -> None:
    assert result.code == code, (result.code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
