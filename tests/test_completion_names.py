"""Completion of real names (pods, workloads, Services, namespaces, contexts, port names), the answer kubectl
gets from `kubectl_complete-<plugin>`: from files (-f) without a cluster, and from the simulated cluster."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netdebug.cli import netpath, netpolicy, svcdebug
from netdebug.cli.complete_cache import kubeconfig_key, remembered
from netdebug.cli.complete_names import COMPLETION_TIMEOUT
from netdebug.cli.completion import NO_FILE, NO_SPACE, candidates
from netdebug.cli.completion import complete as complete_to_stdout

ROOT = Path(__file__).resolve().parents[1]
SHOP = str(ROOT / "examples" / "shop")
COMMANDS = {"netpath": netpath.command, "netpolicy": netpolicy.command, "svcdebug": svcdebug.command}


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def complete(plugin: str, *words: str) -> tuple[list[str], int]:
    lines, directive = candidates(COMMANDS[plugin], f"kubectl-{plugin}", list(words))
    return [line.split("\t")[0] for line in lines], directive


def test_pods_of_the_namespace_then_kind_prefixes_without_a_space():
    values, directive = complete("netpath", "-f", SHOP, "-n", "shop", "")
    assert values == ["backend", "db", "frontend", "deploy/", "sts/", "ds/", "rs/", "external"]  # a pod per workload
    assert directive == NO_FILE | NO_SPACE


def test_pseudo_endpoints_complete_where_they_are_accepted():
    assert complete("netpath", "-f", SHOP, "-n", "shop", "ex")[0] == ["external"]
    assert complete("netpolicy", "check", "-f", SHOP, "-n", "shop", "ing")[0] == ["ingress-controller"]
    assert complete("netpolicy", "who-can-reach", "-f", SHOP, "-n", "shop", "ing")[0] == []


def test_a_prefix_narrows_and_a_kind_lists_its_workloads():
    assert complete("netpath", "-f", SHOP, "-n", "shop", "fr") == (["frontend"], NO_FILE)
    assert complete("netpath", "-f", SHOP, "-n", "shop", "deploy/")[0] == ["deploy/backend", "deploy/frontend"]
    assert complete("netpath", "-f", SHOP, "monitoring/")[0] == ["monitoring/prometheus"]
    assert complete("netpath", "-f", SHOP, "shop/sts/")[0] == ["shop/sts/db"]


def test_destinations_include_services_and_services_complete_for_svcdebug():
    assert complete("netpath", "-f", SHOP, "-n", "shop", "frontend", "svc/")[0] == \
        ["svc/backend", "svc/db", "svc/frontend"]
    assert complete("svcdebug", "-f", SHOP, "-n", "shop", "")[0] == ["backend", "db", "frontend"]
    assert complete("svcdebug", "-f", SHOP, "-n", "shop", "backend", "--from", "deploy/f")[0] == ["deploy/frontend"]
    assert complete("svcdebug", "-f", SHOP, "shop/backend", "--from", "f")[0] == ["frontend"]  # the Service's namespace


@pytest.mark.parametrize("words, expected", [
    (("svcdebug", "-n", "shop", "backend", "--port", ""), ["api", "8080"]),
    (("netpath", "-n", "shop", "frontend", "svc/db", "--port", ""), ["postgres", "5432"]),
    (("netpath", "-n", "shop", "frontend", "deploy/backend", "--port", ""), ["api", "8080"]),
    (("netpolicy", "check", "-n", "shop", "frontend", "sts/db", "--port", "p"), ["postgres"]),
    (("netpolicy", "who-can-reach", "-n", "shop", "db", "--port", ""), ["postgres", "5432"]),
])
def test_port_names_of_the_chosen_destination(words, expected):
    at = 2 if words[0] == "netpolicy" else 1  # after the subcommand
    assert complete(*words[:at], "-f", SHOP, *words[at:])[0] == expected


def test_netpath_capture_completes_its_pod(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), XDG_CACHE_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "netdebug.cli.dispatch", "netpath", "__complete", "capture", "-f",
                           SHOP, "-n", "shop", "fr"], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout == "frontend\n:4\n"


def test_containers_of_the_pod_typed_before(tmp_path):
    pods = tmp_path / "pods.yaml"
    pods.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: duo, namespace: app}\n"
                    "spec: {containers: [{name: web}, {name: sidecar}]}\n")
    assert complete("netpath", "-f", str(pods), "-n", "app", "duo", "-c", "")[0] == ["web", "sidecar"]
    assert complete("netpath", "-f", str(pods), "app/duo", "app/duo", "--to-container", "s")[0] == ["sidecar"]
    assert complete("netpath", "-f", SHOP, "-n", "shop", "deploy/frontend", "-c", "")[0] == \
        [c["name"] for c in _template_containers(SHOP, "frontend")]


def _template_containers(path: str, deployment: str) -> list[dict]:
    from netdebug.manifests.loader import load

    found = load([path]).get("Deployment", "shop", deployment)
    return found["spec"]["template"]["spec"]["containers"]


def test_policy_names_for_explain():
    assert complete("netpolicy", "explain", "-f", SHOP, "-n", "shop", "backend")[0] == ["backend-from-frontend"]
    assert complete("netpolicy", "explain", "-f", SHOP, "shop/d")[0] == ["shop/db-from-backend",
                                                                           "shop/default-deny-ingress"]


def test_namespaces_and_contexts(tmp_path):
    assert complete("netpolicy", "matrix", "-f", SHOP, "-n", "")[0] == \
        ["kube-system", "monitoring", "shop"]  # the namespaces the files use
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("contexts:\n- {name: prod, context: {}}\n- {name: dev, context: {}}\n")
    assert complete("netpath", "--kubeconfig", str(kubeconfig), "--context", "")[0] == ["dev", "prod"]


def test_an_unreachable_cluster_gives_no_candidates_and_no_error(capsys):
    kubeconfig = ROOT / "tests" / "kube" / "unreachable.kubeconfig"
    started = time.monotonic()
    assert complete_to_stdout(netpath.command, "kubectl-netpath", ["--kubeconfig", str(kubeconfig), "web"]) == 0
    assert capsys.readouterr() == (":0\n", "")
    assert time.monotonic() - started < COMPLETION_TIMEOUT + 3


@pytest.mark.sim
def test_live_names_come_from_the_cluster(sim_cluster):
    live = ("--kubeconfig", sim_cluster.kubeconfig, "--context", "sim")
    pods = sorted(p["metadata"]["name"] for p in sim_cluster.store.list("Pod", "shop"))
    values, _ = complete("netpath", *live, "-n", "shop", "")
    assert values[:len(pods)] == pods and values[len(pods):] == ["deploy/", "sts/", "ds/", "rs/", "external"]
    frontend = [p for p in pods if p.startswith("frontend-")]
    assert complete("netpolicy", "check", *live, "-n", "shop", "fr")[0] == frontend
    assert complete("svcdebug", *live, "-n", "shop", "backend", "--port", "")[0] == ["api", "8080"]
    assert "shop" in complete("netpath", *live, "-n", "")[0]


def test_the_next_tab_within_seconds_is_remembered_and_a_failure_is_not(tmp_path):
    calls = []

    def ask():
        calls.append(1)
        return ["a", "b"]

    key = [kubeconfig_key(None), None, "shop", "names", "Pod", None]
    assert remembered(key, ask) == remembered(key, ask) == ["a", "b"] and len(calls) == 1
    assert remembered(key, ask, ttl=0) == ["a", "b"] and len(calls) == 2
    assert remembered([*key, "other"], ask) and len(calls) == 3

    def broken():
        raise RuntimeError("unreachable")

    with pytest.raises(RuntimeError):
        remembered(["x"], broken)
    assert remembered(["x"], ask) == ["a", "b"]


def test_a_new_kubeconfig_is_a_new_question(tmp_path):
    config = tmp_path / "config"
    config.write_text("a")
    before = kubeconfig_key(str(config))
    os.utime(config, (1, 1))
    assert kubeconfig_key(str(config)) != before


@pytest.mark.sim
def test_real_kubectl_asks_the_plugin_and_gets_pod_names(sim_cluster, tmp_path):
    """kubectl >= 1.26 runs `kubectl_complete-netpath` from PATH for `kubectl netpath <TAB>`."""
    from tests.conftest import kubectl_path

    shim = tmp_path / "kubectl_complete-netpath"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m netdebug.cli.dispatch netpath __complete \"$@\"\n")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ.get('PATH', '')}", PYTHONPATH=str(ROOT / "plugins"),
               KUBECONFIG=sim_cluster.kubeconfig, XDG_CACHE_HOME=str(tmp_path / "cache"))
    done = subprocess.run([kubectl_path(), "__complete", "netpath", "-n", "shop", "fr"], capture_output=True,
                          text=True, env=env, timeout=60)
    frontend = sorted(p["metadata"]["name"] for p in sim_cluster.store.list("Pod", "shop")
                      if p["metadata"]["name"].startswith("fr"))
    assert done.stdout.splitlines() == [*frontend, ":4"], done.stderr
