"""Run network-config-analyzer (NCA) from its own venv and read its per-pod connectivity map.

NCA pins old dependencies, so it lives in a separate venv: $NETDEBUG_NCA (path to `nca`), else
/tmp/nca-venv (what .ci/run creates), else a venv under ~/.cache/netdebug made on first use.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from netdebug.policy.ports import FULL, PROTOCOLS, ConnectionSet

NCA_PACKAGE = "network-config-analyzer"
_LINE = re.compile(r"^(?P<src>[\w.-]+/[\w.-]+) => (?P<dst>[\w.-]+/[\w.-]+) : (?P<conn>.+)$")
_CONN = re.compile(r"^\{protocols:(?P<protos>[A-Z0-9, ]+?)(?:,dst_ports:(?P<ports>[0-9,-]+))?\}$")


def find_nca() -> tuple[str | None, str]:
    """(path to the nca executable, or None and why not)."""
    candidates = [os.environ.get("NETDEBUG_NCA"), "/tmp/nca-venv/bin/nca",
                  str(Path.home() / ".cache" / "netdebug" / "nca-venv" / "bin" / "nca")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate, ""
    return _install(Path(candidates[-1]).parent.parent)


def _install(venv: Path) -> tuple[str | None, str]:
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", NCA_PACKAGE], check=True,
                       capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as err:
        shutil.rmtree(venv, ignore_errors=True)
        detail = getattr(err, "stderr", b"") or b""
        return None, f"cannot install {NCA_PACKAGE} into {venv}: {err} {detail.decode(errors='replace')[-300:]}"
    return str(venv / "bin" / "nca"), ""


def run_connectivity(nca: str, cluster_file: str) -> str:
    """NCA's connectivity map with one line per pod pair and connection ("txt_no_fw_rules")."""
    argv = [nca, "--connectivity", cluster_file, "--resource_list", cluster_file,
            "-o", "txt_no_fw_rules", "--output_endpoints", "pods"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    if "=>" not in done.stdout:
        raise AssertionError(f"nca produced no connectivity map (exit {done.returncode}): {done.stderr[-500:]}")
    return done.stdout


def parse_connectivity(text: str) -> dict[tuple[str, str], ConnectionSet]:
    """(src pod, dst pod) -> allowed connections; pairs NCA does not list allow nothing."""
    found: dict[tuple[str, str], ConnectionSet] = {}
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue  # headers, warnings, IP-block lines
        pair = (match["src"], match["dst"])
        found[pair] = found.get(pair, ConnectionSet.none()) | parse_connection(match["conn"])
    return found


def parse_connection(text: str) -> ConnectionSet:
    if text == "All connections":
        return ConnectionSet.all()
    match = _CONN.match(text)
    if not match:
        raise AssertionError(f"unknown NCA connection format: {text!r}")
    intervals = FULL if match["ports"] is None else [_range(p) for p in match["ports"].split(",")]
    return ConnectionSet.of({p: intervals for p in map(str.strip, match["protos"].split(",")) if p in PROTOCOLS})


def _range(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    return int(lo), int(hi or lo)
