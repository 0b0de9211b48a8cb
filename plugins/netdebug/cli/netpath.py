"""kubectl netpath: What stands between two endpoints, which hop breaks and why."""
from .errors import run_main
from .placeholder import placeholder_command

command = placeholder_command("netpath", "What stands between two endpoints, which hop breaks and why.")


def main(argv: list[str] | None = None) -> None:
    run_main(command, "kubectl-netpath", argv)
