"""kubectl netpolicy: what your NetworkPolicies allow, and which rule decides."""
import importlib

import click

from .. import __version__
from .errors import run_main

# name: ("module:attribute" of the click command, its one-line summary for `netpolicy --help`).
# A subcommand's module is imported only when it runs or shows its own help (start-up time);
# tests/test_startup_imports.py checks that each summary is the command's own.
SUBCOMMANDS = {
    "check": ("netpolicy_check:check", "May SRC reach DST? The verdict, each side (egress of SRC, ingress of DST) "
              "and the deciding rules."),
    "diff": ("netpolicy_diff:diff", "Connections added and removed by a change of manifests, per workload pair, "
             "with the policies responsible."),
    "explain": ("netpolicy_explain:explain", "Each NetworkPolicy in plain words, with the pods it selects right now."),
    "exposure": ("netpolicy_exposure:exposure", "Which pods accept traffic from outside the cluster (no policy, "
                 "ipBlock, rule without from) or from all namespaces, most exposed first: where a security "
                 "review starts."),
    "ingress": ("netpolicy_ingress:ingress", "May the ingress controller reach each Ingress path's backend pods "
                "under the policies?"),
    "lint": ("netpolicy_lint:lint", "Find NetworkPolicy mistakes: policies selecting nothing, AND/OR confusion, "
             "blocked DNS, ..."),
    "matrix": ("netpolicy_matrix:matrix", "Which selected pod may reach which: allowed connections for every "
               "ordered pair."),
    "reachable-from": ("netpolicy_reach:reachable_from", "Which pods (and addresses) POD may connect to."),
    "who-can-reach": ("netpolicy_reach:who_can_reach", "Which pods (and addresses) may connect to POD."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported by name, when needed."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attribute = SUBCOMMANDS[name][0].split(":")
        return getattr(importlib.import_module(f"{__package__}.{module}"), attribute)

    def format_commands(self, ctx, formatter) -> None:
        """The Commands section from the table, formatted as click does, without importing the commands."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, click.Command(name, help=SUBCOMMANDS[name][1]).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(name="netpolicy", cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kubectl-netpolicy")
def command():
    """What your NetworkPolicies allow, and which rule decides; live or from YAML files (-f).

    Exit codes: 0 allowed / no error, 1 denied / error-level finding, 2 bad input, 3 cluster error.
    """


def main(argv: list[str] | None = None) -> None:
    run_main(command, "kubectl-netpolicy", argv)
