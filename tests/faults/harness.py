"""Run a plugin in-process against a simulated cluster and see which API reads it makes."""
import contextlib
import io
from dataclasses import dataclass

PROGRAMS = {"netpath": ("netdebug.cli.netpath", "kubectl-netpath"),
            "netpolicy": ("netdebug.cli.netpolicy", "kubectl-netpolicy"),
            "svcdebug": ("netdebug.cli.svcdebug", "kubectl-svcdebug")}


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run(plugin: str, args: list[str]) -> Run:
    """Like the installed launcher (run_main): the exit code, stdout and stderr."""
    import importlib

    from netdebug.cli.errors import run_main

    module, prog = PROGRAMS[plugin]
    command = importlib.import_module(module).command
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            run_main(command, prog, list(args))
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


def reads(requests: list[tuple], user: str = "admin") -> list[tuple]:
    """(verb, resource, namespace) of one user's requests, first occurrence order."""
    return list(dict.fromkeys((verb, resource, ns) for who, verb, resource, ns in requests if who == user))
