"""The run's long-lived processes (dnsmasq per DNS pod, the listener daemon) and what they serve.

Each process gets its own session and writes to a file in the run's state dir (an inherited pipe
would keep pytest waiting); its pid goes into the registry so a later sweep can stop it.
"""
import os
import subprocess
import time

from . import behaviour

READY_TIMEOUT = 10
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Daemons:
    def __init__(self, registry):
        self.registry = registry
        self.processes: list[subprocess.Popen] = []
        self.logs: dict[int, str] = {}  # pid -> the file its output goes to

    def spawn(self, argv: list[str], log_path: str) -> None:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True, cwd=REPO, close_fds=True)
        self.processes.append(process)
        self.logs[process.pid] = log_path
        self.registry.add_pid(process.pid)

    def wait_for(self, paths: list[str], what: str) -> None:
        """Until every path exists (a daemon's ready mark); fails when a daemon died or it takes too long."""
        deadline = time.monotonic() + READY_TIMEOUT
        while not all(os.path.exists(p) for p in paths):
            dead = next((p for p in self.processes if p.poll() is not None), None)
            if dead is not None:
                raise RuntimeError(f"{what} did not start: {self._death(dead)}")
            if time.monotonic() > deadline:
                missing = ", ".join(os.path.basename(p) for p in paths if not os.path.exists(p))
                raise RuntimeError(f"{what} did not start: no {missing} after {READY_TIMEOUT} s")
            time.sleep(0.005)

    def _death(self, process: subprocess.Popen) -> str:
        """Which daemon exited (named by its log file), with what code, and the last lines it wrote."""
        log = self.logs[process.pid]
        try:
            with open(log, encoding="utf-8", errors="replace") as stream:
                tail = [line.strip() for line in stream.read().strip().splitlines()[-3:]]
        except OSError:
            tail = []
        name = os.path.relpath(log, self.registry.dir)
        return f"the daemon logging to {name} exited with code {process.returncode}: {' | '.join(tail) or 'no output'}"

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def listener_entries(objects: list[dict], netns_of) -> list[dict]:
    """One socket per listening container port (cluster DNS port 53 is dnsmasq's)."""
    entries = []
    for pod in (p for p in objects if p["kind"] == "Pod" and netns_of(p)):
        ip = pod["status"]["podIP"] if pod["spec"].get("hostNetwork") else "0.0.0.0"
        for container in pod["spec"]["containers"]:
            for port in behaviour.listening(pod, container):
                if behaviour.is_dns_pod(pod) and port.number == 53:
                    continue
                entries.append({"netns": f"/run/netns/{netns_of(pod)}", "port": port.number,
                                "ip": ip if port.address == "0.0.0.0" else port.address,
                                "protocol": port.protocol, "container": container["name"],
                                "pod": f"{pod['metadata']['namespace']}/{pod['metadata']['name']}",
                                "http_status": behaviour.http_status(pod, port.number),
                                "tls": port.protocol == "TCP" and port.number in behaviour.tls_ports(pod)})
    return entries


def api_endpoint(fabric: str, address: str) -> dict:
    """Something answers on the `kubernetes` Service's endpoint (first node, 6443), as in a cluster."""
    return {"netns": f"/run/netns/{fabric}", "ip": address, "port": 6443, "protocol": "TCP",
            "pod": "default/kubernetes", "container": "kube-apiserver", "http_status": 200}
