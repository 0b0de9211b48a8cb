"""Start-up: `--help` and `--version` import click and the command definitions, nothing heavier.

Each case runs the frozen bundle's entry point (netdebug.cli.dispatch) in a fresh interpreter and
lists the modules it loaded; a module-level import of the policy engine, the diagnosis, the API
client or PyYAML in a CLI module makes these fail.
"""
import subprocess
import sys
from pathlib import Path

import click
import pytest

from netdebug.cli import netpolicy

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("netdebug.policy", "netdebug.diagnose", "netdebug.kube", "netdebug.manifests", "yaml", "kubernetes")
RUN_AND_LIST_MODULES = """\
import sys
from netdebug.cli.dispatch import main
sys.argv = sys.argv[1:]
try:
    main()
except SystemExit as done:
    sys.stderr.write(f"exit {done.code}\\n")
sys.stderr.write("\\n".join(sorted(sys.modules)))
"""
PLUGINS = ("netpath", "netpolicy", "svcdebug")
CASES = [[f"kubectl-{plugin}", flag] for plugin in PLUGINS for flag in ("--help", "--version")]
CASES += [["kubectl-netpolicy", name, "--help"] for name in netpolicy.SUBCOMMANDS]


def loaded_modules(argv: list[str]) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    status, *modules = done.stderr.splitlines()
    assert status == "exit 0", done.stderr[-2000:]
    return done.stdout, modules


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_help_and_version_import_no_heavy_module(argv):
    output, modules = loaded_modules(argv)
    assert ("Usage:" in output) if argv[-1] == "--help" else ("version" in output)
    assert heavy(modules) == []


def test_the_check_itself_fails_on_a_heavy_import():
    """The harness sees a heavy import when one happens (here: an offline run that evaluates policies)."""
    _, modules = loaded_modules(["kubectl-netpolicy", "explain", "-f", "examples/shop", "-o", "yaml"])
    assert {"netdebug.policy.describe", "yaml"} <= set(heavy(modules))


def test_netpolicy_help_lists_every_subcommand_with_its_own_summary():
    output, modules = loaded_modules(["kubectl-netpolicy", "--help"])
    assert not [m for m in modules if m.startswith("netdebug.cli.netpolicy_")]
    for name in netpolicy.SUBCOMMANDS:
        assert f"\n  {name} " in output
    group = netpolicy.command
    with click.Context(group) as ctx:
        for name, (_, summary) in netpolicy.SUBCOMMANDS.items():
            subcommand = group.get_command(ctx, name)
            assert subcommand.name == name
            assert click.Command(name, help=summary).get_short_help_str(500) == subcommand.get_short_help_str(500)


def test_an_unknown_subcommand_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "netdebug.cli.dispatch", "netpolicy", "chek"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "No such command 'chek'" in done.stderr
