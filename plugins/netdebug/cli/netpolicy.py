"""kubectl netpolicy: What your NetworkPolicies allow: check, explain, matrix, lint."""
from .errors import run_main
from .placeholder import placeholder_command

command = placeholder_command("netpolicy", "What your NetworkPolicies allow: check, explain, matrix, lint.")


def main(argv: list[str] | None = None) -> None:
    run_main(command, "kubectl-netpolicy", argv)
