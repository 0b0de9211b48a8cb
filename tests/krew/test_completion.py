"""Completion answers in cobra's `__complete` format, the one kubectl >= 1.26 reads from plugins."""
import os
import subprocess
import sys

import click
import pytest

import netdebug
from netdebug.cli.completion import DEFAULT, DIRS_ONLY, NO_FILE, candidates, complete
from netdebug.cli.dispatch import plugin_for

from .conftest import ROOT


@click.group()
def tool():
    """A group."""


@tool.command()
@click.option("-o", "--output", type=click.Choice(["text", "json", "yaml"]))
@click.option("-f", "--filename", type=click.Path())
@click.option("--into", type=click.Path(file_okay=False))
def show(output, filename, into):
    """Show things."""


@tool.command(name="list")
def list_():
    """List things."""


@pytest.mark.parametrize("argv, lines, directive", [
    ([""], ["list\tList things.", "show\tShow things."], NO_FILE),
    (["sh"], ["show\tShow things."], NO_FILE),
    (["show", "-o", ""], ["text", "json", "yaml"], NO_FILE),
    (["show", "-o", "j"], ["json"], NO_FILE),
    (["show", "-f", ""], [], DEFAULT),
    (["show", "--into", ""], [], DIRS_ONLY),
    ([], ["list\tList things.", "show\tShow things."], NO_FILE),
])
def test_candidates(argv, lines, directive):
    assert candidates(tool, "kubectl-tool", argv) == (lines, directive)


def test_options_complete_with_their_help():
    lines, directive = candidates(tool, "kubectl-tool", ["show", "--ou"])
    assert (lines, directive) == (["--output"], NO_FILE)


def test_a_failing_command_gives_no_candidates_and_no_traceback(capsys):
    @click.command()
    @click.argument("name", shell_complete=lambda ctx, param, incomplete: 1 / 0)
    def broken(name):
        pass

    assert complete(broken, "kubectl-broken", [""]) == 0
    assert capsys.readouterr() == (":0\n", "")


@pytest.mark.parametrize("argv0, expected", [
    ("/usr/local/bin/kubectl-netpath", ("netpath", False)),
    ("kubectl_netpolicy", ("netpolicy", False)),
    ("C:\\krew\\bin\\kubectl-svcdebug.exe".replace("\\", os.sep), ("svcdebug", False)),
    ("/home/u/.krew/bin/kubectl_complete-netpolicy", ("netpolicy", True)),
    ("/opt/netdebug/netdebug", (None, False)),
])
def test_plugin_for(argv0, expected):
    assert plugin_for(argv0) == expected


def test_installed_completion_script_and_double_underscore_form():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    by_arg = subprocess.run([sys.executable, "-m", "netdebug.cli.dispatch", "netpolicy", "__complete", "che"],
                            capture_output=True, text=True, env=env, check=True)
    assert by_arg.stdout.splitlines()[0].startswith("check\t") and by_arg.stdout.endswith(":4\n")
    script = os.path.join(os.path.dirname(sys.executable), "kubectl_complete-netpolicy")
    if not os.path.exists(script):
        pytest.skip("kubectl_complete-netpolicy is not installed (pip install -e . installs it)")
    by_name = subprocess.run([script, "che"], capture_output=True, text=True, check=True)
    assert by_name.stdout == by_arg.stdout


def test_netdebug_version_and_usage_from_source():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    shown = subprocess.run([sys.executable, "-m", "netdebug.cli.dispatch", "--version"],
                           capture_output=True, text=True, env=env)
    assert (shown.returncode, shown.stdout) == (0, f"netdebug, version {netdebug.__version__}\n")
    usage = subprocess.run([sys.executable, "-m", "netdebug.cli.dispatch", "nope"],
                           capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: netdebug {netpath|netpolicy|svcdebug}")
