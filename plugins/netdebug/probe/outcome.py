"""Pure classification: what a probe command's exit code and output mean (connected, refused, ...)."""
import re
from dataclasses import dataclass, field

from . import parse

UDP_SILENCE = "no reply and no ICMP refusal: open or filtered (UDP probes are best effort)"
GETENT_MISS = "not found (getent cannot tell a missing name from an unreachable DNS server)"
_DNS_FAILURE = re.compile(r"name resolution|not known|bad address|resolve|nodename nor servname", re.I)
_TIMEOUT = re.compile(r"timed out|time-out|timeout", re.I)
PYTHON_WORDS = ("connected", "refused", "timeout", "dns-error", "nxdomain", "http", "error")  # scripts.PY_*
_CURL_EXIT = {6: "dns-error", 7: "refused", 28: "timeout"}  # 7 also covers "no route to host"


@dataclass(frozen=True)
class Outcome:
    outcome: str
    detail: str = ""
    data: dict = field(default_factory=dict)  # addresses / sockets / resolv fields


def classify(plan, result) -> Outcome:
    """Turn an ExecResult of `plan` into an Outcome (UDP silence is "no-answer": it proves nothing)."""
    outcome = _classify(plan, result)
    if plan.kind == "udp" and outcome.outcome == "timeout":
        return Outcome("no-answer", UDP_SILENCE)
    return outcome


def _classify(plan, result) -> Outcome:
    if result.error:
        return Outcome("exec-failed", result.error)
    if result.timed_out:
        return _timed_out(plan.kind)
    if plan.tool in ("python3", "python") and plan.kind not in ("listening", "resolv"):
        return _from_python(plan.kind, result)
    return _CLASSIFIERS[plan.kind](plan.tool, result)


def _timed_out(kind: str) -> Outcome:
    if kind == "dns":
        return Outcome("dns-error", "the lookup did not finish in time")
    if kind in ("listening", "resolv"):
        return Outcome("error", "reading the file did not finish in time")
    return Outcome("timeout", UDP_SILENCE if kind == "udp" else "no answer in time")


def _from_python(kind: str, result) -> Outcome:
    word, _, detail = result.stdout.strip().partition(" ")
    if not word:
        return Outcome("error", _first_line(result.stderr) or f"exit code {result.returncode}")
    if kind == "dns" and word == "resolved":
        return Outcome("resolved", detail, {"addresses": detail.split()})
    if kind == "udp" and word == "timeout":
        return Outcome("timeout", UDP_SILENCE)
    if word in PYTHON_WORDS:
        return Outcome(word, detail)
    return Outcome("error", _first_line(result.stdout + result.stderr))


def _failure(text: str, returncode: int | None) -> Outcome:
    """A failed connect described by a tool's message (nc, bash, wget, busybox)."""
    line = _first_line(text)
    if "refused" in text.lower():
        return Outcome("refused", line)
    if _TIMEOUT.search(text) or returncode == 124:  # 124: coreutils `timeout` fired
        return Outcome("timeout", line or "no answer in time")
    if _DNS_FAILURE.search(text):
        return Outcome("dns-error", line)
    return Outcome("error", line or f"exit code {returncode}")


def _tcp(tool: str, result) -> Outcome:
    text = result.stderr + result.stdout
    if tool == "curl":
        connected = _float(result.stdout) > 0
        if connected:
            return Outcome("connected", "TCP handshake completed")
        return Outcome(_CURL_EXIT.get(result.returncode, "error"), _first_line(result.stderr))
    if result.returncode == 0 or (tool == "wget" and _wget_connected(text, result.returncode)):
        return Outcome("connected", _first_line(text))
    return _failure(text, result.returncode)


def _wget_connected(text: str, returncode: int | None) -> bool:
    """GNU wget exits 8 on an HTTP error status; both wgets say so once the server answered."""
    return returncode == 8 or any(hint in text for hint in ("connected.", "HTTP request sent", "server returned"))


def _udp(tool: str, result) -> Outcome:
    if result.returncode == 0:
        return Outcome("timeout", UDP_SILENCE)
    return Outcome("refused", _first_line(result.stderr) or "ICMP port unreachable")


def _dns(tool: str, result) -> Outcome:
    text = result.stdout + result.stderr
    if tool == "getent":
        if result.returncode == 0:
            return Outcome("resolved", "", {"addresses": parse.getent_addresses(result.stdout)})
        return Outcome("nxdomain", GETENT_MISS) if result.returncode == 2 else Outcome("dns-error", _first_line(text))
    addresses = parse.nslookup_addresses(result.stdout)
    if addresses:
        return Outcome("resolved", "", {"addresses": addresses})
    missing = re.search(r"^.*(NXDOMAIN|can't find|not found).*$", text, re.I | re.M)
    if missing and not _TIMEOUT.search(text):
        return Outcome("nxdomain", missing.group(0).strip(" *"))
    return Outcome("dns-error", _error_line(text) or f"exit code {result.returncode}")


def _http(tool: str, result) -> Outcome:
    if tool == "curl":
        code = result.stdout.strip()[-3:]
        if code.isdigit() and code != "000":
            return Outcome("http", code)
        return Outcome(_CURL_EXIT.get(result.returncode, "error"), _first_line(result.stderr))
    status = parse.http_status(result.stderr)
    return Outcome("http", str(status)) if status else _failure(result.stderr, result.returncode)


def _listening(tool: str, result) -> Outcome:
    if not result.stdout.strip():
        return Outcome("error", _first_line(result.stderr) or "no socket tables could be read")
    return Outcome("listening", "", {"sockets": parse.proc_net_sockets(result.stdout)})


def _resolv(tool: str, result) -> Outcome:
    if result.returncode != 0 and not result.stdout.strip():
        return Outcome("error", _first_line(result.stderr) or "/etc/resolv.conf could not be read")
    return Outcome("read", "", parse.resolv_conf(result.stdout))


_CLASSIFIERS = {"tcp": _tcp, "udp": _udp, "dns": _dns, "http": _http, "listening": _listening, "resolv": _resolv}


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]


def _error_line(text: str) -> str:
    lines = (line.strip() for line in text.splitlines())
    return next((line for line in lines if line.startswith(";;") or "error" in line.lower()), _first_line(text))[:300]


def _float(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        return 0.0
