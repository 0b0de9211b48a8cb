"""The kubectl-shaped surface of every command: -h, usage names, examples, exit codes, option types.

Each friction point a new user met (issue 15, issue 14 item 4) is one test here.
"""
import os
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from netdebug.cli import netpolicy
from netdebug.model.refs import parse_port

from .support import run_plugin as run

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ("netpath", "netpolicy", "svcdebug")
SUBCOMMANDS = sorted(netpolicy.SUBCOMMANDS)
EVERY_COMMAND = [(p,) for p in PLUGINS] + [("netpolicy", name) for name in SUBCOMMANDS] + [("netpath", "capture")]
SHOP = str(ROOT / "examples" / "shop")


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=" ".join)
def test_dash_h_is_help_everywhere(capsys, words):
    code, out, err = run(capsys, *words, "-h")
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: kubectl {' '.join(words)} ")  # what the user types, not kubectl-netpath


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=" ".join)
def test_every_help_has_examples_and_exit_codes(capsys, words):
    _, out, _ = run(capsys, *words, "--help")
    examples = out.split("Examples:")[1].split("Exit codes:")[0]
    commands = [line.strip() for line in examples.splitlines() if line.strip().startswith("kubectl ")]
    assert commands and all(c.startswith(f"kubectl {words[0]}") for c in commands)
    codes = [line.split()[0] for line in out.split("Exit codes:")[1].splitlines() if line.strip()]
    assert codes == ["0", "1", "2", "3", "4"] or codes == ["0", "2", "3", "4"]


def test_subcommand_summaries_are_whole_sentences_and_the_commands_own(capsys):
    _, out, _ = run(capsys, "netpolicy", "-h")
    listed = out.split("Commands:")[1].split("Examples:")[0]
    for name, (_, summary) in netpolicy.SUBCOMMANDS.items():
        assert f"  {name} " in listed
        assert "..." not in summary and summary.endswith(".")
        assert " ".join(summary.split()) in " ".join(listed.split())
        with click.Context(netpolicy.command) as ctx:
            assert netpolicy.command.get_command(ctx, name).get_short_help_str(500) == summary


@pytest.mark.parametrize("words", [("netpath",), ("netpolicy", "check"), ("netpolicy", "matrix"),
                                   ("netpolicy", "who-can-reach")], ids=" ".join)
def test_protocol_choices_are_shown_as_typed_with_their_default(capsys, words):
    _, out, _ = run(capsys, *words, "-h")
    line = next(line for line in out.splitlines() if "--protocol" in line)
    assert "--protocol [TCP|UDP" in line and "[default: TCP]" in line


@pytest.mark.parametrize("command", ["matrix", "lint", "exposure", "explain", "ingress"])
def test_namespace_help_says_all_namespaces_where_that_is_the_default(capsys, command):
    _, out, _ = run(capsys, "netpolicy", command, "-h")
    assert "default: all namespaces" in " ".join(out.split())


@pytest.mark.parametrize("words", [("netpath",), ("svcdebug",), ("netpolicy", "check")], ids=" ".join)
def test_namespace_help_names_the_contexts_namespace_where_names_are_looked_up(capsys, words):
    _, out, _ = run(capsys, *words, "-h")
    assert "default: the context's namespace" in " ".join(out.split())


BAD_PORTS = ["70000", "0", "²", "٣", "9" * 5000, "-http", "a--b", "way-too-long-port-name", "http_x"]
PORT_COMMANDS = [
    ("netpath", "shop/frontend", "shop/backend-0"),
    ("svcdebug", "shop/backend"),
    ("netpolicy", "check", "shop/frontend", "shop/backend-0"),
    ("netpolicy", "who-can-reach", "shop/backend-0"),
    ("netpolicy", "reachable-from", "shop/backend-0"),
    ("netpolicy", "matrix"),
]


@pytest.mark.parametrize("port", BAD_PORTS, ids=lambda p: p[:12])
@pytest.mark.parametrize("words", PORT_COMMANDS, ids=lambda w: " ".join(w[:2]))
def test_a_bad_port_is_one_line_and_exit_2_in_every_plugin(capsys, words, port):
    code, out, err = run(capsys, *words, "-f", SHOP, "--port", port)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("error: --port ") and "Traceback" not in err


@pytest.mark.parametrize("dst", ["svc/backend:²", "svc/backend:70000", "backend:٣", "shop/svc/backend:0"])
def test_a_bad_port_in_a_destination_is_one_line_and_exit_2(capsys, dst):
    code, _, err = run(capsys, "netpath", "-f", SHOP, "shop/frontend", dst)
    assert code == 2 and err.count("\n") == 1 and f"DST {dst!r}: port" in err


@pytest.mark.parametrize("text, port", [("80", 80), ("65535", 65535), ("1", 1), ("http", "http"), ("HTTP", "http"),
                                        ("grpc-web", "grpc-web"), ("h2c", "h2c"), ("123456789012345a", None),
                                        ("8080", 8080), ("80a", "80a"), ("1-2", None), ("web-", None)])
def test_port_rule(text, port):
    if port is None:
        with pytest.raises(Exception, match="not a port number"):
            parse_port(text)
    else:
        assert parse_port(text) == port


def test_matrix_accepts_a_port_name_like_every_other_command(capsys):
    code, out, err = run(capsys, "netpolicy", "matrix", "-f", SHOP, "-n", "shop", "--port", "http")
    assert (code, err) == (0, "") and "on TCP http" in out


@pytest.mark.parametrize("words", [("netpath", "a", "b"), ("netpolicy", "check", "a", "b"), ("netpolicy", "lint"),
                                   ("netpolicy", "explain"), ("netpolicy", "diff", "--after", SHOP)], ids=" ".join)
def test_a_command_that_does_not_select_refuses_minus_l_instead_of_ignoring_it(capsys, words):
    code, out, err = run(capsys, *words, "-f", SHOP, "-l", "app=web")
    assert (code, out) == (2, "") and err == f"error: -l/--selector does not apply to kubectl {' '.join(words[:2 if words[0] == 'netpolicy' else 1])}\n"


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e400", "٣", "1_0", "soon"])
@pytest.mark.parametrize("words", [("netpath", "shop/frontend", "svc/backend"), ("svcdebug", "shop/backend")],
                         ids=lambda w: w[0])
def test_probe_timeouts_are_finite_positive_seconds(capsys, words, value):
    code, out, err = run(capsys, *words, "-f", SHOP, "--timeout", value)
    assert (code, out) == (2, "") and err.startswith("error: --timeout ") and err.count("\n") == 1


def test_request_timeout_zero_means_no_limit_as_in_kubectl(capsys):
    assert run(capsys, "netpolicy", "matrix", "-f", SHOP, "--request-timeout", "0")[0] == 0
    code, _, err = run(capsys, "netpolicy", "matrix", "-f", SHOP, "--request-timeout", "-2")
    assert code == 2 and "0 (no limit) or more" in err


@pytest.mark.parametrize("namespace", ["Shop", "a.b", "-x", "x" * 64, "٣"])
def test_a_bad_namespace_name_is_one_line(capsys, namespace):
    code, out, err = run(capsys, "netpolicy", "matrix", "-f", SHOP, "-n", namespace)
    assert (code, out) == (2, "") and "is not a valid Kubernetes namespace" in err and err.count("\n") == 1


@pytest.mark.parametrize("words", EVERY_COMMAND, ids=" ".join)
def test_every_help_example_parses_with_the_commands_own_options(capsys, words):
    import shlex

    from netdebug.cli import netpath, svcdebug
    from netdebug.cli.path_sniff import command as capture

    _, out, _ = run(capsys, *words, "-h")
    examples = out.split("Examples:")[1].split("Exit codes:")[0]
    lines = [line.strip().split(" | ")[0] for line in examples.splitlines() if line.strip().startswith("kubectl ")]
    roots = {"netpath": netpath.command, "svcdebug": svcdebug.command, "netpolicy": netpolicy.command}
    for line in lines:
        _, plugin, *args = shlex.split(line)
        command = roots[plugin]
        if plugin == "netpolicy" and args[0] != "COMMAND":
            command, args = netpolicy.command.get_command(click.Context(command), args[0]), args[1:]
        elif plugin == "netpath" and args[0] == "capture":
            command, args = capture, args[1:]
        if args[:1] != ["COMMAND"]:
            command.make_context(line, list(args))  # unknown options, bad ports or names raise here


def test_netpolicy_alone_prints_its_help_like_a_kubectl_command_group(capsys):
    code, out, err = run(capsys, "netpolicy")
    assert (code, err) == (0, "") and out.startswith("Usage: kubectl netpolicy ") and "Commands:" in out


@pytest.mark.parametrize("plugin,args", [("netpolicy", ["matrix", "-f", SHOP]),
                                         ("svcdebug", ["-f", SHOP, "-n", "shop", "backend"])])
def test_a_reader_that_leaves_or_a_closed_stdout_is_no_error(plugin, args):
    """`kubectl netpolicy matrix | head -1` and a stdout closed with `>&-`: nothing on stderr, no traceback."""
    command = shlex.join([sys.executable, str(ROOT / f"kubectl-{plugin}"), *args])
    env = {**os.environ, "NO_COLOR": "1"}
    reader_gone = subprocess.run(f"{command} | true", shell=True, capture_output=True, text=True, env=env, timeout=60)
    assert reader_gone.stderr == ""
    closed = subprocess.run(f"{command} >&-", shell=True, capture_output=True, text=True, env=env, timeout=60)
    assert (closed.returncode, closed.stderr) == (0, "")
