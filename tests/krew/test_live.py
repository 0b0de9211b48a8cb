"""The frozen plugins, installed like krew, against the simulated cluster (real kubernetes client)."""
import re

import pytest

from .test_install import from_source, run

pytestmark = [pytest.mark.sim, pytest.mark.slow]


def test_live_svcdebug_through_kubectl_matches_the_source(kubectl, plugin_env, sim_cluster):
    # a generous probe timeout: on a busy machine a 2 s probe can time out and change the verdict
    args = ["svcdebug", "backend", "-n", "shop", "--timeout", "10", "--kubeconfig", sim_cluster.kubeconfig]
    frozen = run([kubectl, *args], plugin_env, timeout=120)
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    first = frozen.stdout.splitlines()[0]
    assert first.endswith("Service shop/backend: works, with 1 warning(s); 2/2 endpoints ready"), frozen.stdout
    assert "policy-not-enforced" in frozen.stdout and "probes:" in frozen.stdout
    reference = from_source(args)
    assert reference.stdout.splitlines()[0] == first, reference.stdout


def test_live_netpolicy_check_through_kubectl(kubectl, plugin_env, sim_cluster):
    args = ["netpolicy", "check", "shop/deploy/frontend", "shop/deploy/backend", "--port", "8080",
            "--kubeconfig", sim_cluster.kubeconfig]
    frozen = run([kubectl, *args], plugin_env)
    assert frozen.returncode == 0, frozen.stderr
    assert frozen.stdout.startswith("✔ ALLOWED: shop/frontend-") and "TCP 8080" in frozen.stdout
    denied = run([kubectl, *args[:2], "shop/sts/db", "shop/deploy/backend", "--port", "8080", *args[-2:]], plugin_env)
    assert denied.returncode == 1, denied.stdout + denied.stderr
    assert denied.stdout.startswith("✘ DENIED: shop/db-0 -> shop/backend-")


def test_live_unreachable_cluster_is_exit_3_one_line(kubectl, plugin_env, tmp_path, sim_cluster):
    broken = tmp_path / "kubeconfig"
    config = open(sim_cluster.kubeconfig).read()
    broken.write_text(re.sub(r"server: \S+", "server: https://127.0.0.1:1", config))
    shown = run([kubectl, "netpolicy", "check", "shop/db-0", "shop/db-0", "--kubeconfig", str(broken)], plugin_env)
    assert shown.returncode == 3 and shown.stderr.startswith("error: ") and "Traceback" not in shown.stderr
