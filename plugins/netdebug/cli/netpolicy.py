"""kubectl netpolicy: what your NetworkPolicies allow, and which rule decides."""
import click

from .. import __version__
from .errors import run_main
from .netpolicy_check import check
from .netpolicy_diff import diff
from .netpolicy_explain import explain
from .netpolicy_exposure import exposure
from .netpolicy_lint import lint
from .netpolicy_matrix import matrix
from .netpolicy_reach import reachable_from, who_can_reach


@click.group(name="netpolicy", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kubectl-netpolicy")
def command():
    """What your NetworkPolicies allow, and which rule decides; live or from YAML files (-f).

    Exit codes: 0 allowed / no error, 1 denied / error-level finding, 2 bad input, 3 cluster error.
    """


for subcommand in (check, explain, matrix, who_can_reach, reachable_from, lint, diff, exposure):
    command.add_command(subcommand)


def main(argv: list[str] | None = None) -> None:
    run_main(command, "kubectl-netpolicy", argv)
