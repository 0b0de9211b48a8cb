"""Shell completion the way kubectl >= 1.26 asks plugins for it.

For `kubectl netpath --na<TAB>` kubectl runs `kubectl_complete-netpath --na` and expects cobra's
`__complete` answer: one candidate per line (`value<TAB>help`), then `:<directive>`. click works out
the candidates from the command's own options, choices and subcommands.
"""
import sys

import click
from click.shell_completion import ShellComplete

# cobra's ShellCompDirective bits
DEFAULT = 0  # let the shell complete file names
NO_SPACE = 2
NO_FILE = 4
DIRS_ONLY = 16


def candidates(command: click.Command, prog_name: str, argv: list[str]) -> tuple[list[str], int]:
    """(lines, directive) for the words typed so far; the last word is the one being completed."""
    args, incomplete = argv[:-1], (argv[-1] if argv else "")
    items = ShellComplete(command, {"obj": {"words": args}}, prog_name, "").get_completions(args, incomplete)
    if any(item.type == "file" for item in items):
        return [], DEFAULT
    if any(item.type == "dir" for item in items):
        return [], DIRS_ONLY
    more_to_type = any(item.value.endswith("/") for item in items)  # `deploy/`: no space after it
    return [_line(item.value, item.help) for item in items], NO_FILE | (NO_SPACE if more_to_type else 0)


def _line(value: str, help_text: str | None) -> str:
    summary = (help_text or "").splitlines()[0] if help_text else ""
    return f"{value}\t{summary}" if summary else value


def complete(command: click.Command, prog_name: str, argv: list[str]) -> int:
    """Print cobra-style completions; a broken completion must never print a traceback."""
    try:
        lines, directive = candidates(command, prog_name, argv)
    except Exception:  # noqa: BLE001 - completion is best effort: no candidates, shell default
        lines, directive = [], DEFAULT
    sys.stdout.write("".join(f"{line}\n" for line in lines) + f":{directive}\n")
    return 0
