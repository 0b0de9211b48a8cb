"""kubectl-style options shared by all plugins, gathered into one value object."""
import os
from dataclasses import dataclass, field

import click

from ..errors import InputError
from ..model.refs import check_name, parse_port, parse_seconds
from .usage import ALL_NAMES, NS_NAMES

OUTPUT_FORMATS = ("text", "wide", "json", "yaml")


@dataclass(frozen=True)
class ClusterOptions:
    """Where the objects come from: a live cluster (kubeconfig/context) or manifest files."""

    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None  # None: the context's namespace (live) or "default" (files)
    all_namespaces: bool = False
    selector: str | None = None
    filenames: tuple[str, ...] = field(default_factory=tuple)
    request_timeout: float = 10.0

    @property
    def offline(self) -> bool:
        return bool(self.filenames)


class PortType(click.ParamType):
    """A port number (1-65535) or a port name, by the one rule every plugin shares (model/refs)."""

    name = "port"

    def get_metavar(self, param, ctx=None) -> str:
        return "PORT"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        return parse_port(value, f"--{param.name}" if param is not None else "port")  # InputError: exit 2, one line


PORT = PortType()


class SecondsType(click.ParamType):
    """Seconds, finite and positive (0 too where it means no limit, as kubectl's --request-timeout)."""

    name = "seconds"

    def __init__(self, zero_means_no_limit: bool = False):
        self.zero_means_no_limit = zero_means_no_limit

    def get_metavar(self, param, ctx=None) -> str:
        return "SECONDS"

    def convert(self, value, param, ctx):
        what = max(param.opts, key=len) if param is not None else "seconds"
        return parse_seconds(value, what, self.zero_means_no_limit)


SECONDS = SecondsType()
SELECTOR = {"help": "Label selector to filter pods (e.g. app=web,tier!=db)."}


def _namespace(ctx, param, value):
    if value is not None:
        check_name(value, value, "-n", "namespace")
    return value


def _refuse_selector(ctx, param, value):
    if value is not None:
        raise InputError(f"-l/--selector does not apply to {ctx.command_path}")
    return value


NO_SELECTOR = {"help": "Not used by this command: an error if given.",
               "callback": _refuse_selector}


def completes(what: str):
    """A click shell_complete callback that imports cli/complete_names only when completing."""
    def complete(ctx, param, incomplete):
        from . import complete_names

        return getattr(complete_names, what)(ctx, param, incomplete)
    return complete


def protocol_option(choices=("TCP", "UDP", "SCTP")):
    return click.option("--protocol", type=click.Choice(choices, case_sensitive=False), default="TCP",
                        show_default=True, metavar=f"[{'|'.join(choices)}]", help="Protocol of the connection.")


def cluster_options(func=None, *, namespace_help: str = NS_NAMES, all_help: str = ALL_NAMES, selects: bool = True,
                    selector_help: str | None = None):
    """Decorate a click command with -n/-A/--context/--kubeconfig/-l/-f/--request-timeout.

    Used bare (`@cluster_options`) or with the -n/-A help that is true for the command; a command that
    names its objects instead (`selects=False`) refuses -l rather than ignoring it."""
    if func is None:
        return lambda f: cluster_options(f, namespace_help=namespace_help, all_help=all_help, selects=selects,
                                         selector_help=selector_help)
    decorators = [
        click.option("-f", "--filename", "filenames", multiple=True, type=click.Path(),
                     help="Read objects from these files or directories instead of the cluster (repeatable)."),
        click.option("-l", "--selector", default=None,
                     **({"help": selector_help} if selector_help else SELECTOR if selects else NO_SELECTOR)),
        click.option("-A", "--all-namespaces", is_flag=True, help=all_help),
        click.option("-n", "--namespace", default=None, help=namespace_help, callback=_namespace,
                     shell_complete=completes("namespaces")),
        click.option("--context", default=None, help="The kubeconfig context to use.",
                     shell_complete=completes("contexts")),
        click.option("--kubeconfig", default=None, type=click.Path(), help="Path to the kubeconfig file."),
        click.option("--request-timeout", default=10.0, type=SecondsType(zero_means_no_limit=True), show_default=True,
                     help="Seconds to wait for each API call (0: no limit)."),
    ]
    for decorator in decorators:
        func = decorator(func)
    return func


def output_options(formats=OUTPUT_FORMATS):
    def decorate(func):
        func = click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")(func)
        return click.option("-o", "--output", type=click.Choice(formats), default="text", show_default=True,
                            help="Output format.")(func)
    return decorate


def make_cluster_options(kwargs: dict) -> ClusterOptions:
    """Pop the cluster options out of a click kwargs dict."""
    return ClusterOptions(
        kubeconfig=kwargs.pop("kubeconfig"),
        context=kwargs.pop("context"),
        namespace=kwargs.pop("namespace"),
        all_namespaces=kwargs.pop("all_namespaces"),
        selector=kwargs.pop("selector"),
        filenames=tuple(kwargs.pop("filenames")),
        request_timeout=kwargs.pop("request_timeout"),
    )


def use_color(no_color: bool, stream) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()
