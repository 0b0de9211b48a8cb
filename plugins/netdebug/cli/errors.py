"""The one place that turns errors into a single stderr line and an exit code."""
import os
import shlex
import sys

import click

from ..errors import ExitCode, NetdebugError, redact


def run_main(command, prog_name: str, argv: list[str] | None = None) -> None:
    """Run a click command; known errors become one line on stderr, never a traceback."""
    if sys.stdout is None:  # started with stdout closed (`>&-`): the output goes nowhere, as kubectl's would
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    try:
        code = command.main(args=argv, prog_name=prog_name, standalone_mode=False)
        sys.stdout.flush()  # a reader that left (`| head`) is seen here, not in the flush at exit
    except NetdebugError as err:
        _fail(prog_name, str(err) + _try_instead(err, prog_name, argv), err.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.Abort:
        _fail(prog_name, "aborted", ExitCode.USAGE)
    except click.ClickException as err:
        err.show()
        sys.exit(ExitCode.USAGE)
    except KeyboardInterrupt:
        _fail(prog_name, "interrupted", 130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit does not fail again
        sys.exit(ExitCode.OK)
    except Exception as err:  # a bug: still one line, with a hint how to see the traceback
        if _debug():
            raise
        _fail(prog_name, f"internal error: {type(err).__name__}: {err} (set NETDEBUG_DEBUG=1 for a traceback)", 4)
    else:
        sys.exit(int(code or 0))


# options whose value is never the reference that missed (--from's is: svcdebug resolves it)
VALUED = {"-n", "--namespace", "--context", "--kubeconfig", "-c", "--container", "--to-container", "--port", "-l",
          "--selector", "-f", "--filename", "-o", "--output", "--http", "--ephemeral", "--protocol"}


def _try_instead(err: NetdebugError, prog_name: str, argv: list[str] | None) -> str:
    """A miss that knows a reference that works: the same command line with it, ready to copy."""
    swap = getattr(err, "instead", None)
    words = list(sys.argv[1:] if argv is None else argv)
    where = [i for i, word in enumerate(words) if swap and word == swap[0] and (i == 0 or words[i - 1] not in VALUED)]
    if not where:
        return ""
    words[where[0]] = swap[1]
    return f"; try: {prog_name} {shlex.join(words)}"


def _debug() -> bool:
    return bool(os.environ.get("NETDEBUG_DEBUG"))


def _fail(prog_name: str, message: str, code: int) -> None:
    click.echo(f"error: {redact(message)}", err=True)
    sys.exit(int(code))
