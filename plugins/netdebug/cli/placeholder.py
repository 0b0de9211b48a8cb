"""A plugin that is not built yet says so and exits 2 (replaced as each plugin lands)."""
import click

from .. import __version__
from ..errors import InputError


def placeholder_command(name: str, summary: str) -> click.Command:
    @click.command(name=name, help=f"{summary}\n\nNot implemented yet.",
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.version_option(__version__, prog_name=f"kubectl-{name}")
    def command():
        raise InputError(f"kubectl {name} is not implemented yet")

    return command
