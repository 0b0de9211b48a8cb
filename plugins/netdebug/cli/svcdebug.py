"""kubectl svcdebug: Why a Service does not answer: the Debug Services checklist, automated."""
from .errors import run_main
from .placeholder import placeholder_command

command = placeholder_command("svcdebug", "Why a Service does not answer: the Debug Services checklist, automated.")


def main(argv: list[str] | None = None) -> None:
    run_main(command, "kubectl-svcdebug", argv)
