"""kubectl netpolicy: what your NetworkPolicies allow, and which rule decides."""
import importlib

import click

from .. import __version__
from .errors import run_main
from .usage import CONTEXT_SETTINGS, epilog, prog

# name: ("module:attribute" of the click command, its one-line summary for `netpolicy --help`).
# A subcommand's module is imported only when it runs or shows its own help (start-up time);
# tests/test_startup_imports.py checks that each summary is the command's own.
SUBCOMMANDS = {
    "check": ("netpolicy_check:check", "May SRC reach DST, and which rules decide."),
    "diff": ("netpolicy_diff:diff", "Connections a manifest change adds or removes."),
    "explain": ("netpolicy_explain:explain", "Each NetworkPolicy in plain words, with the pods it selects."),
    "exposure": ("netpolicy_exposure:exposure", "Pods open to outside the cluster or to every namespace."),
    "ingress": ("netpolicy_ingress:ingress", "May the ingress controller reach each Ingress backend."),
    "lint": ("netpolicy_lint:lint", "NetworkPolicy mistakes, as findings with stable codes."),
    "matrix": ("netpolicy_matrix:matrix", "Which pods may reach which: allowed connections per pair."),
    "reachable-from": ("netpolicy_reach:reachable_from", "Which pods and addresses POD may connect to."),
    "who-can-reach": ("netpolicy_reach:who_can_reach", "Which pods and addresses may connect to POD."),
}
EXAMPLES = [("kubectl netpolicy check -n shop deploy/frontend deploy/backend --port 8080", "may one reach the other"),
            ("kubectl netpolicy matrix -n shop", "who may reach whom in one namespace"),
            ("kubectl netpolicy lint -f manifests/", "mistakes in YAML files, in CI"),
            ("kubectl netpolicy COMMAND -h", "a command's options and examples")]


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
        """The Commands section from the table, without importing the commands; summaries are never cut."""
        rows = [(name, SUBCOMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(name="netpolicy", cls=LazyGroup, context_settings=CONTEXT_SETTINGS, invoke_without_command=True,
             epilog=epilog(EXAMPLES, {0: "allowed / no error", 1: "denied / error-level finding / changed"}))
@click.version_option(__version__, prog_name=prog("netpolicy"))
@click.pass_context
def command(ctx):
    """What your NetworkPolicies allow, and which rule decides; live or from YAML files (-f)."""
    if ctx.invoked_subcommand is None:  # `kubectl netpolicy` alone: its help, as kubectl prints a group's
        click.echo(ctx.get_help())
    return 0


def main(argv: list[str] | None = None) -> None:
    run_main(command, prog("netpolicy"), argv)
