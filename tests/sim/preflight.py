"""Can the simulated cluster run on this machine? (root, the tools, network namespaces)"""
import importlib.util
import os
import shutil
import subprocess

TOOLS = ("ip", "iptables-restore", "dnsmasq", "sysctl")
SBIN = "/usr/local/sbin:/usr/sbin:/sbin"
PACKAGES = ("aiohttp", "cryptography")  # the API server (TLS); `pip install .` alone does not bring them
INSTALL_LINE = "pip install -e '.[sim]'"


def missing_packages() -> str | None:
    """What to install before the simulated cluster can start, as one line, or None."""
    missing = [name for name in PACKAGES if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return f"the simulated cluster needs {', '.join(missing)}: run {INSTALL_LINE} in the netdebug checkout"


def problem() -> str | None:
    """Why the simulated cluster cannot run here, or None."""
    if os.geteuid() != 0:
        return "simulated cluster needs root (network namespaces, iptables)"
    search = f"{os.environ.get('PATH', '')}:{SBIN}"
    missing = [tool for tool in TOOLS if not shutil.which(tool, path=search)]
    if missing:
        return f"simulated cluster needs {', '.join(missing)} (apt-get install iproute2 iptables dnsmasq-base procps)"
    ip, probe = shutil.which("ip", path=search), f"nds-probe{os.getpid()}_x"
    made = subprocess.run([ip, "netns", "add", probe], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        return f"cannot create network namespaces here: {made.stderr.strip()}"
    subprocess.run([ip, "netns", "delete", probe], capture_output=True, check=False)
    return None
