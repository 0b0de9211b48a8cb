"""Pure probe parts: argv builders, hostile input, /proc/net and resolv.conf parsers, outcome classification."""
import pytest

from netdebug.errors import InputError
from netdebug.model.exec_result import ExecResult
from netdebug.probe import parse, plan, scripts
from netdebug.model.probes import ProbeSpec
from netdebug.probe.outcome import classify
from netdebug.probe.tools import Toolset, parse_detected

FULL = Toolset(frozenset({"bash", "nc", "nc-z", "nc-u", "curl", "wget", "gnu-wget", "python3", "getent", "cat",
                          "timeout"}), shell=True)


def tools(*names):
    return Toolset(frozenset(names), shell=True)


@pytest.mark.parametrize("toolset,tool,argv", [
    (FULL, "nc", ["nc", "-v", "-z", "-w", "2", "10.0.0.5", "8080"]),
    (tools("bash", "timeout"), "bash", ["timeout", "1.5", "bash", "-c", scripts.BASH_TCP, "bash", "10.0.0.5", "8080"]),
    (tools("bash"), "bash", ["bash", "-c", scripts.BASH_TCP, "bash", "10.0.0.5", "8080"]),
    (tools("curl"), "curl", ["curl", "-sS", "-g", "--noproxy", "*", "-o", "/dev/null", "-w", "%{time_connect}",
                             "--connect-timeout", "1.5", "-m", "1.5", "http://10.0.0.5:8080/"]),
    (tools("python"), "python", ["python", "-c", scripts.PY_TCP, "10.0.0.5", "8080", "1.5"]),
    (tools("busybox"), "busybox", ["busybox", "nc", "-w", "2", "10.0.0.5", "8080"]),
    (tools("nc"), "nc", ["nc", "-w", "2", "10.0.0.5", "8080"]),  # an nc without -z (busybox's small one)
    (tools("wget", "gnu-wget"), "wget", ["wget", "-O", "/dev/null", "-T", "2", "--tries=1", "--no-proxy",
                                         "http://10.0.0.5:8080/"]),
])
def test_tcp_ladder(toolset, tool, argv):
    built = plan.tcp_probe(toolset, "10.0.0.5", 8080, 1.5)
    assert (built.tool, built.command) == (tool, argv)


def test_no_tool_gives_no_plan():
    empty = Toolset()
    assert plan.tcp_probe(empty, "a", 1, 1) is None
    assert plan.dns_probe(tools("cat"), "a", 1) is None
    assert plan.http_probe(tools("nc"), "a", 80, "/", 1) is None
    assert plan.listening_probe(tools("curl")) is None
    assert plan.listening_probe(tools("python3")).command == ["python3", "-c", scripts.PY_CAT, *plan.PROC_NET_FILES]


def test_http_dns_udp_plans():
    assert plan.http_probe(FULL, "web.shop", 80, "/healthz?x=1", 2).command[-1] == "http://web.shop:80/healthz?x=1"
    assert plan.http_probe(tools("fd00::1" and "curl"), "fd00::1", 80, None, 2).command[-1] == "http://[fd00::1]:80/"
    busybox_wget = plan.http_probe(tools("busybox"), "a", 80, "/", 1).command
    assert busybox_wget == ["busybox", "wget", "-S", "-O", "/dev/null", "-T", "1", "http://a:80/"]
    assert plan.dns_probe(tools("getent", "nslookup"), "kubernetes.default", 1).command == ["getent", "hosts", "kubernetes.default"]
    assert plan.dns_probe(FULL, "x", 1).tool == "python3"  # python tells NXDOMAIN from a dead DNS server
    assert plan.udp_probe(tools("nc", "nc-z", "nc-u"), "10.0.0.1", 53, 1).command == [
        "nc", "-v", "-u", "-z", "-w", "1", "10.0.0.1", "53"]
    assert plan.udp_probe(tools("nc", "busybox"), "10.0.0.1", 53, 1) is None  # busybox's small nc has no -u


HOSTILE = ["$(touch /tmp/pwned)", "a;reboot", "-e/bin/sh", "--help", "a b", "`id`", "x|y", "", "a\nb", "../etc"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_rejected_before_any_command_exists(target):
    for build in (lambda: plan.tcp_probe(FULL, target, 80, 1), lambda: plan.udp_probe(FULL, target, 53, 1),
                  lambda: plan.dns_probe(FULL, target, 1), lambda: plan.http_probe(FULL, target, 80, "/", 1)):
        with pytest.raises(InputError):
            build()
    with pytest.raises(InputError):
        ProbeSpec("tcp", "ns", "pod", "c", target, 80).validate()


@pytest.mark.parametrize("path", ["no-slash", "/a b", "/x\n", "/\x00"])
def test_hostile_http_paths_are_rejected(path):
    with pytest.raises(InputError):
        plan.http_probe(FULL, "web", 80, path, 1)


@pytest.mark.parametrize("port", [0, 65536, "80; rm -rf /", None, True, -1])
def test_bad_ports_are_rejected(port):
    with pytest.raises(InputError):
        plan.tcp_probe(FULL, "web", port, 1)


def test_user_text_never_enters_a_script():
    """Shell metacharacters that pass validation-free fields (the HTTP path) stay one argv element."""
    path = "/$(touch${IFS}/tmp/pwned)"
    for toolset in (FULL, tools("wget"), tools("python3"), tools("busybox")):
        built = plan.http_probe(toolset, "web", 80, path, 1)
        assert built.command[-1 if built.tool != "python3" else 3].endswith(path)
        fixed = {scripts.BASH_TCP, scripts.PY_TCP, scripts.PY_UDP, scripts.PY_DNS, scripts.PY_HTTP, scripts.PY_CAT}
        assert all("pwned" not in arg for arg in built.command if arg in fixed)
    for toolset in (tools("bash"), tools("python3")):
        built = plan.tcp_probe(toolset, "web.shop", 80, 1)
        script = built.command[built.command.index("-c") + 1]
        assert "web.shop" not in script and "web.shop" in built.command


PROC_NET = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0100007F:93BA 0100007F:1F90 01 00000000:00000000 03:00000177 00000000     0        0 0 3 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0
   1: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0
   2: B80D0120000000000000000001000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0
   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  10: 0A00000A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 6 2 0 0
  11: 0A00000A:A000 08080808:0035 01 00000000:00000000 00:00000000 00000000     0        0 7 2 0 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
"""


def test_proc_net_parser_handles_ipv4_ipv6_tcp_udp():
    assert parse.proc_net_sockets(PROC_NET) == [
        {"address": "::1", "port": 22, "protocol": "TCP"},
        {"address": "0.0.0.0", "port": 80, "protocol": "TCP"},
        {"address": "2001:db8::1", "port": 443, "protocol": "TCP"},
        {"address": "127.0.0.1", "port": 8080, "protocol": "TCP"},
        {"address": "::", "port": 8081, "protocol": "TCP"},
        {"address": "10.0.0.10", "port": 53, "protocol": "UDP"},
    ]


def test_hex_address():
    assert parse.hex_address("0100007F") == "127.0.0.1"
    assert parse.hex_address("0000000000000000FFFF00000100007F") == "127.0.0.1"


def test_resolv_conf():
    text = ("# generated\nnameserver 10.96.0.10\nnameserver 10.96.0.11 ; second\n"
            "search shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5 timeout:1\n")
    assert parse.resolv_conf(text) == {"nameservers": ["10.96.0.10", "10.96.0.11"],
                                       "search": ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"],
                                       "ndots": 5, "options": ["ndots:5", "timeout:1"]}
    assert parse.resolv_conf("nameserver 1.1.1.1\n")["ndots"] == 1


def test_nslookup_and_getent_output():
    busybox = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.shop.svc.cluster.local\nAddress: 10.96.3.4\n"
    old_busybox = ("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
                   "Name:      web\nAddress 1: 10.244.1.5 web-0.web\nAddress 2: 10.244.2.6 web-1.web\n")
    assert parse.nslookup_addresses(busybox) == ["10.96.3.4"]
    assert parse.nslookup_addresses(old_busybox) == ["10.244.1.5", "10.244.2.6"]
    assert parse.getent_addresses("10.244.1.5      web.shop.svc.cluster.local\n10.244.2.6 web\n") == ["10.244.1.5", "10.244.2.6"]


def test_detected_tools():
    out = "/bin/bash\n/usr/bin/nc\n/usr/bin/curl\n/bin/busybox\ngnu-wget\nnc-z\n/usr/local/bin/evil-tool\n"
    assert parse_detected(out) == {"bash", "nc", "curl", "busybox", "gnu-wget", "nc-z"}


def run(plan_, stdout="", stderr="", rc=0, **kw):
    return classify(plan_, ExecResult(stdout, stderr, rc, **kw))


@pytest.mark.parametrize("toolset,stdout,stderr,rc,expected", [
    (tools("nc"), "", "Connection to 10.0.0.5 8080 port [tcp/*] succeeded!", 0, "connected"),
    (tools("nc"), "", "nc: connect to 10.0.0.5 port 8080 (tcp) failed: Connection refused", 1, "refused"),
    (tools("nc"), "", "nc: connect to 10.0.0.5 port 8080 (tcp) timed out: Operation now in progress", 1, "timeout"),
    (tools("nc"), "", 'nc: getaddrinfo for host "x" port 1: Temporary failure in name resolution', 1, "dns-error"),
    (tools("busybox"), "", "nc: can't connect to remote host (10.0.0.5): Connection refused", 1, "refused"),
    (tools("busybox"), "", "nc: timed out", 1, "timeout"),
    (tools("busybox"), "", "", 0, "connected"),
    (tools("bash", "timeout"), "", "", 124, "timeout"),
    (tools("bash"), "", "bash: connect: Connection refused\nbash: /dev/tcp/x/1: Connection refused", 1, "refused"),
    (tools("curl"), "0.000120", "curl: (52) Empty reply from server", 52, "connected"),
    (tools("curl"), "0.000000", "curl: (7) Failed to connect to x port 1 after 0 ms: Couldn't connect", 7, "refused"),
    (tools("curl"), "0.000000", "curl: (28) Connection timed out after 1001 milliseconds", 28, "timeout"),
    (tools("python3"), "refused [Errno 111] Connection refused\n", "", 0, "refused"),
    (tools("python3"), "connected\n", "", 0, "connected"),
    (tools("python3"), "sitecustomize says hi\n", "", 0, "error"),
    (tools("python3"), "", "Traceback (most recent call last):", 1, "error"),
    (tools("wget"), "", "Connecting to x:1... failed: Connection refused.", 4, "refused"),
    (tools("wget"), "", "Connecting to x:80... connected.\nHTTP request sent, awaiting response... 404", 8, "connected"),
])
def test_tcp_outcomes(toolset, stdout, stderr, rc, expected):
    assert run(plan.tcp_probe(toolset, "x", 80, 1), stdout, stderr, rc).outcome == expected


def test_exec_level_outcomes():
    built = plan.tcp_probe(FULL, "x", 80, 1)
    assert run(built, rc=None, error="exec forbidden (403): no").outcome == "exec-failed"
    assert run(built, rc=None, timed_out=True).outcome == "timeout"
    assert run(plan.dns_probe(FULL, "x", 1), rc=None, timed_out=True).outcome == "dns-error"


def test_dns_http_udp_outcomes():
    py = plan.dns_probe(FULL, "web", 1)
    resolved = run(py, "resolved 10.0.0.5 fd00::5\n")
    assert (resolved.outcome, resolved.data["addresses"]) == ("resolved", ["10.0.0.5", "fd00::5"])
    assert run(py, "nxdomain [Errno -2] Name or service not known\n").outcome == "nxdomain"
    assert run(py, "dns-error [Errno -3] Temporary failure in name resolution\n").outcome == "dns-error"
    getent = plan.dns_probe(tools("getent"), "web", 1)
    assert run(getent, "10.0.0.5 web\n").data == {"addresses": ["10.0.0.5"]}
    assert run(getent, rc=2).outcome == "nxdomain"
    ns = plan.dns_probe(tools("nslookup"), "web", 1)
    assert run(ns, "Server: 10.96.0.10\n", "** server can't find web: NXDOMAIN\n", 1).outcome == "nxdomain"
    assert run(ns, ";; connection timed out; no servers could be reached\n", "", 1).outcome == "dns-error"
    assert (run(plan.http_probe(FULL, "w", 80, "/", 1), "404").outcome, run(plan.http_probe(FULL, "w", 80, "/", 1), "404").detail) == ("http", "404")
    assert run(plan.http_probe(FULL, "w", 80, "/", 1), "000", "curl: (7) Failed", 7).outcome == "refused"
    wget = plan.http_probe(tools("wget"), "w", 80, "/", 1)
    assert run(wget, "", "  HTTP/1.1 301 Moved\n  HTTP/1.1 503 Service Unavailable\n", 8).detail == "503"
    udp = plan.udp_probe(tools("nc", "nc-z", "nc-u"), "w", 53, 1)
    assert run(udp, rc=0).outcome == "no-answer" and run(udp, rc=1).outcome == "refused"
    assert run(plan.udp_probe(tools("python3"), "w", 53, 1), "timeout\n").detail.endswith("best effort)")


def run_detect_script(tmp_path, links: dict) -> frozenset:
    """The real detection script under a PATH that holds only `links` (name -> binary)."""
    import shutil
    import subprocess

    from netdebug.probe.tools import DETECT_SCRIPT

    for name, binary in links.items():
        (tmp_path / name).symlink_to(shutil.which(binary))
    shell = str(tmp_path / "sh")
    done = subprocess.run([shell, "-c", DETECT_SCRIPT], env={"PATH": str(tmp_path)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return parse_detected(done.stdout)


def test_detect_script_reports_nc_flavours(tmp_path):
    assert run_detect_script(tmp_path, {"sh": "dash", "nc": "nc", "cat": "cat"}) == {"nc", "nc-z", "nc-u", "cat"}


def test_detect_script_under_busybox_sh_with_busybox_nc(tmp_path):
    import shutil

    if not shutil.which("busybox"):
        pytest.skip("busybox is not installed (apt-get install busybox; .ci/run does)")
    assert run_detect_script(tmp_path, {"sh": "busybox", "nc": "busybox", "busybox": "busybox"}) == {"nc", "busybox"}
