"""The capture command: user values stay arguments, filters compile, bad filters are refused."""
import os
import shutil
import subprocess

import pytest

from netdebug.errors import InputError
from netdebug.probe.capture import SCRIPT, CaptureSpec, checked_filter, flow_filter


def test_values_are_positional_arguments_never_script_source():
    spec = CaptureSpec("lab", "web", ("main",), "tcp port 80", seconds=3, packets=50)
    argv = spec.argv()
    assert argv[:3] == ["sh", "-c", SCRIPT] and argv[4:] == ["3", "50", "262", "tcp port 80"]
    assert "tcp port 80" not in SCRIPT


@pytest.mark.parametrize("text", ["-w /etc/passwd", "port 80; reboot", "port 80 $(id)", "`id`", "host a'b"])
def test_filters_that_could_escape_are_refused(text):
    with pytest.raises(InputError, match="not a BPF expression"):
        checked_filter(text)


def test_flow_filter_names_ports_hosts_and_dns():
    text = flow_filter({8080, 80}, {"10.0.0.2"}, dns=True)
    assert "(port 80 or port 8080)" in text and "host 10.0.0.2" in text and "(port 53)" in text
    with pytest.raises(ValueError):
        flow_filter({80}, {"10.0.0.2 or port 22"})


@pytest.mark.skipif(not shutil.which("tcpdump", path="/usr/sbin:/usr/bin:/sbin:/bin") or os.geteuid() != 0,
                    reason="compiling a filter needs tcpdump and root")
def test_flow_filter_compiles_in_tcpdump():
    name = f"capt-test{os.getpid()}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        for text in (flow_filter({8080}), flow_filter({53, 8080}, {"10.0.0.2", "fd00::1"}, dns=True)):
            result = subprocess.run(["ip", "netns", "exec", name, "tcpdump", "-i", "any", "-d", text],
                                    capture_output=True, text=True)
            assert result.returncode == 0, (text, result.stderr)
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False)


def test_capture_dir_must_be_writable_and_needs_capture(tmp_path, capsys):
    from tests.support import run_plugin
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_plugin(capsys, "netpath", "a", "b", "--capture", "--capture-dir", str(blocker / "sub"))
    assert code == 2 and "--capture-dir" in err and "Not a directory" in err
    code, _, err = run_plugin(capsys, "netpath", "a", "b", "--capture-dir", str(tmp_path))
    assert code == 2 and "applies to --capture only" in err


def test_capture_and_count_need_probes_and_a_cluster(tmp_path, capsys):
    from tests.support import run_plugin
    code, _, err = run_plugin(capsys, "netpath", "a", "b", "--capture", "--no-probe")
    assert code == 2 and "drop --no-probe" in err
    code, _, err = run_plugin(capsys, "netpath", "a", "b", "--count", "5", "-f", str(tmp_path))
    assert code == 2 and "need a live cluster" in err
