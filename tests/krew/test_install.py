"""Install the built archive the way krew does, then drive the frozen plugins through real kubectl."""
import json
import marshal
import os
import shutil
import subprocess
import sys

import pytest

import netdebug

from .conftest import ROOT

pytestmark = pytest.mark.slow  # the first test builds the frozen bundle (~1-2 min, then cached)

PLUGINS = ("netpath", "netpolicy", "svcdebug")


def run(argv, env, timeout=60):
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def from_source(args, env=None):
    """The same command run from the checkout with this Python (the reference for the frozen one)."""
    env = dict(env or os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_COLOR="1")
    return run([sys.executable, "-m", "netdebug.cli.dispatch", *args], env)


def test_kubectl_plugin_list_shows_the_three_plugins(kubectl, plugin_env, krew_root):
    listed = run([kubectl, "plugin", "list"], plugin_env)
    assert listed.returncode == 0, listed.stderr
    for name in PLUGINS:
        assert str(krew_root / "bin" / f"kubectl-{name}") in listed.stdout


def test_the_links_are_symlinks_to_one_regular_executable(krew_root):
    for name in PLUGINS:
        link = krew_root / "bin" / f"kubectl-{name}"
        assert link.is_symlink() and link.resolve().is_file()
        assert link.resolve() == krew_root / "store" / name / f"v{netdebug.__version__}" / "netdebug" / "netdebug"


@pytest.mark.parametrize("name", PLUGINS)
def test_help_through_kubectl(kubectl, plugin_env, name):
    shown = run([kubectl, name, "--help"], plugin_env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"Usage: kubectl {name}")  # kubectl's own spelling of a plugin
    assert shown.stdout == from_source([name, "--help"]).stdout


@pytest.mark.parametrize("columns", ["60", "80", "200"])
@pytest.mark.parametrize("args", [["netpolicy", "check", "-h"], ["netpath", "capture", "--help"], ["svcdebug", "-h"]])
def test_help_matches_the_source_at_any_terminal_width(kubectl, plugin_env, args, columns):
    """80 columns and wider: the start-up cache's text; narrower: click formats it, as from source."""
    env = dict(plugin_env, COLUMNS=columns)
    shown = run([kubectl, *args], env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == from_source(args, env).stdout


def test_help_comes_from_the_bundles_start_up_cache(krew_root, tmp_path):
    """Proof the recorded text is what --help prints: a copy of the bundle with that text changed."""
    bundle = tmp_path / "netdebug"
    shutil.copytree(krew_root / "store" / "netpath" / f"v{netdebug.__version__}" / "netdebug", bundle)
    path = bundle / "_internal" / "netdebug-startup.cache"
    cache = marshal.loads(path.read_bytes())
    assert set(cache["help"]) >= {(name, (flag,)) for name in PLUGINS for flag in ("--help", "-h")}
    cache["help"]["netpath", ("--help",)] = "recorded\n"
    path.write_bytes(marshal.dumps(cache))
    shown = run([str(bundle / "netdebug"), "netpath", "--help"], dict(os.environ, COLUMNS="100"))
    assert (shown.returncode, shown.stdout) == (0, "recorded\n")


@pytest.mark.parametrize("name", PLUGINS)
def test_version_through_kubectl_comes_from_netdebug_version(kubectl, plugin_env, name):
    shown = run([kubectl, name, "--version"], plugin_env)
    assert (shown.returncode, shown.stdout) == (0, f"kubectl {name}, version {netdebug.__version__}\n")


@pytest.mark.parametrize("name", PLUGINS)
def test_version_from_source_and_launcher(name):
    expected = f"kubectl {name}, version {netdebug.__version__}\n"
    assert from_source([name, "--version"]).stdout == expected
    launcher = run([sys.executable, str(ROOT / f"kubectl-{name}"), "--version"], dict(os.environ))
    assert launcher.stdout == expected


@pytest.mark.parametrize("output", ["text", "json"])
def test_offline_matrix_from_the_frozen_binary_matches_the_source(kubectl, plugin_env, output):
    args = ["netpolicy", "matrix", "-f", "examples/shop", "-o", output]
    frozen = run([kubectl, *args], plugin_env)
    assert frozen.returncode == 0, frozen.stderr
    reference = from_source(args)
    assert (frozen.stdout, frozen.stderr) == (reference.stdout, reference.stderr)
    if output == "json":
        assert "shop/frontend" in json.loads(frozen.stdout)["pods"]


def test_bad_input_is_one_line_not_a_traceback(kubectl, plugin_env):
    shown = run([kubectl, "netpolicy", "matrix", "-f", "examples/no-such-dir"], plugin_env)
    assert shown.returncode == 2
    assert shown.stderr.startswith("error: ") and "Traceback" not in shown.stderr


def test_self_test_imports_the_live_client_in_the_bundle(krew_root):
    executable = krew_root / "store" / "svcdebug" / f"v{netdebug.__version__}" / "netdebug" / "netdebug"
    shown = run([str(executable), "--self-test"], dict(os.environ))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("self-test ok:") and "kube_config" in shown.stdout and "stream" in shown.stdout
    assert "utf8 mode 1" in shown.stdout
    modules = len(list((ROOT / "plugins" / "netdebug").rglob("*.py"))) - 1  # all but netdebug/__init__.py
    assert f", {modules} modules," in shown.stdout


def test_completion_through_kubectl(kubectl, plugin_env, krew_root):
    link = krew_root / "bin" / "kubectl_complete-netpolicy"
    if not link.exists():
        link.symlink_to("kubectl-netpolicy")
    shown = run([kubectl, "__complete", "netpolicy", "ma"], plugin_env)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split("\t")[0] == "matrix" and lines[-1] == ":4"


def test_unknown_name_falls_back_to_netdebug_plugin_args(krew_root):
    executable = krew_root / "store" / "netpath" / f"v{netdebug.__version__}" / "netdebug" / "netdebug"
    shown = run([str(executable), "netpolicy", "--version"], dict(os.environ))
    assert shown.stdout == f"kubectl netpolicy, version {netdebug.__version__}\n"
    usage = run([str(executable)], dict(os.environ))
    assert usage.returncode == 2 and usage.stderr.startswith("usage: netdebug")
