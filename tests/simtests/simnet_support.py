"""Helpers for the data plane and CLI tests: run a command inside a simulated pod, find pods."""
import os
import subprocess
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM_SCENARIOS = os.path.join("tests", "simtests", "scenarios")


def pod_ref(sim, namespace: str, prefix: str) -> str:
    """"ns/name" of the first pod of `namespace` whose name starts with `prefix`."""
    names = sorted(ref for ref in sim.plane.pods if ref.startswith(f"{namespace}/{prefix}"))
    assert names, f"no pod {namespace}/{prefix}* in {sorted(sim.plane.pods)}"
    return names[0]


def pod_ip(sim, ref: str) -> str:
    return sim.plane.pods[ref].address.split("/")[0]


def in_pod(sim, ref: str, argv: list[str], timeout: float = 10, stdin: str | None = None):
    """Run argv in the pod's network namespace (with its resolv.conf); returns (CompletedProcess, seconds)."""
    started = time.monotonic()
    result = subprocess.run(["ip", "netns", "exec", sim.pod_netns(ref), *argv], input=stdin, capture_output=True,
                            text=True, timeout=timeout, check=False)
    return result, time.monotonic() - started


def tcp(sim, ref: str, host: str, port: int, wait: float = 2):
    """nc -z from a pod: (returncode, stderr, seconds)."""
    result, seconds = in_pod(sim, ref, ["nc", "-z", "-v", "-w", str(wait), host, str(port)])
    return result.returncode, result.stderr, seconds


def leftovers(name: str) -> list[str]:
    """Everything of run `name` still on the machine: namespaces, /etc/netns dirs, state files, processes."""
    from tests.sim.registry import ETC_NETNS, prefix, state_dir
    found = [f"netns {n}" for n in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
             if n.startswith(prefix(name))]
    if os.path.isdir(ETC_NETNS):
        found += [f"{ETC_NETNS}/{e}" for e in os.listdir(ETC_NETNS) if e.startswith(prefix(name))]
    if os.path.exists(state_dir(name)):
        found.append(state_dir(name))
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as stream:
                cmdline = stream.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if state_dir(name) in cmdline or prefix(name) in cmdline:
            found.append(f"process {pid}: {cmdline[:120]}")
    return found


def scaled_scenario(directory, replicas: int) -> None:
    """2 nodes, cluster DNS, a client and a Deployment of `replicas` behind a Service (replicas + 2 pods)."""
    with open(os.path.join(REPO, SIM_SCENARIOS, "faults", "cluster.yaml"), encoding="utf-8") as stream:
        docs = list(yaml.safe_load_all(stream))
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
        {"name": "web", "image": "nginx:1.27",
         "ports": [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}]}]}}
    docs += [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-b"}},
             {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "namespace": "load"},
              "spec": {"containers": [{"name": "main", "image": "busybox:1.36"}]}},
             {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "load"},
              "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": template}},
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "load"},
              "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}]
    with open(os.path.join(directory, "scenario.yaml"), "w", encoding="utf-8") as stream:
        yaml.safe_dump_all(docs, stream)
