"""The layers of plugins/netdebug, enforced by import-linter (contracts in .importlinter), and the
three plugins' CLI modules kept independent of each other."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "plugins" / "netdebug" / "cli"
SHARED_CLI = {"__init__", "complete_cache", "complete_names", "completion", "dispatch", "errors", "options",
              "refs_live", "snapshot", "startup_cache", "usage"}
CROSS_PLUGIN_EXCEPTIONS: list[str] = []  # none left: the connect sweep moved to probe/ (issue 10)
PLUGIN_PREFIXES = {"netpolicy": ("netpolicy",), "svcdebug": ("svcdebug", "svc_"), "netpath": ("netpath", "path_")}

pytest.importorskip("importlinter", reason="import-linter is a test dependency: pip install -e '.[test]'")


def plugin_of(module: str) -> str | None:
    return next((p for p, prefixes in PLUGIN_PREFIXES.items() if module.startswith(prefixes)), None)


def cli_modules() -> list[str]:
    return sorted(p.stem for p in CLI.glob("*.py"))


def test_every_cli_module_is_shared_or_belongs_to_one_plugin():
    unplaced = [m for m in cli_modules() if m not in SHARED_CLI and plugin_of(m) is None]
    assert not unplaced, f"name these after their plugin (netpolicy_*, svc_*, path_*) or list them as shared: {unplaced}"


def independence_contracts() -> str:
    """One forbidden contract per plugin: its CLI modules import no other plugin's CLI modules."""
    groups = {p: [f"netdebug.cli.{m}" for m in cli_modules() if plugin_of(m) == p] for p in PLUGIN_PREFIXES}
    out = []
    for plugin, own in groups.items():
        others = [m for p, mods in groups.items() if p != plugin for m in mods]
        out.append(f"\n[importlinter:contract:cli-{plugin}-independent]\nname = {plugin}'s CLI modules import no other plugin's"
                   f"\ntype = forbidden\nsource_modules =\n    " + "\n    ".join(own)
                   + "\nforbidden_modules =\n    " + "\n    ".join(others)
                   + ("\nignore_imports =\n    " + "\n    ".join(CROSS_PLUGIN_EXCEPTIONS)
                      if CROSS_PLUGIN_EXCEPTIONS else "")
                   + "\nunmatched_ignore_imports_alerting = none\n")
    return "".join(out)


def test_import_contracts_hold(tmp_path):
    config = tmp_path / "importlinter.ini"
    config.write_text((REPO / ".importlinter").read_text() + independence_contracts())
    env = dict(os.environ, PYTHONPATH=str(REPO / "plugins"))
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), str(config), "--no-cache"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_a_broken_contract_is_reported(tmp_path):
    """The check can fail: a contract that today's code breaks (cli imports click) must be reported."""
    config = tmp_path / "importlinter.ini"
    config.write_text("[importlinter]\nroot_package = netdebug\ninclude_external_packages = True\n\n"
                      "[importlinter:contract:x]\nname = no click\ntype = forbidden\nsource_modules =\n"
                      "    netdebug.cli\nforbidden_modules =\n    click\n")
    env = dict(os.environ, PYTHONPATH=str(REPO / "plugins"))
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), str(config), "--no-cache"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "BROKEN" in result.stdout
