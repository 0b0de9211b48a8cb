"""Cluster DNS slow (`sim.netdebug.io/dns-delay`) and down (`sim.netdebug.io/dns: down`)."""
import os

import pytest

from tests.simtests.simnet_support import SIM_SCENARIOS, in_pod

pytestmark = pytest.mark.sim


@pytest.mark.parametrize("sim_cluster", [os.path.join(SIM_SCENARIOS, "dns-slow")], indirect=True)
def test_slow_dns_answers_after_the_delay(sim_cluster):
    result, seconds = in_pod(sim_cluster, "lab/client", ["getent", "hosts", "target.lab.svc.cluster.local."])
    assert result.stdout.split()[:1] == ["10.96.5.5"]
    assert 1.4 <= seconds < 5


@pytest.mark.parametrize("sim_cluster", [os.path.join(SIM_SCENARIOS, "dns-down")], indirect=True)
def test_dns_down_fails_every_lookup(sim_cluster):
    result, _ = in_pod(sim_cluster, "lab/client", ["getent", "hosts", "target.lab.svc.cluster.local."])
    assert result.returncode == 2 and result.stdout == ""
    coredns = sim_cluster.store.get("Pod", "kube-system", "coredns-0")
    assert coredns["status"]["phase"] == "Running"  # the pod looks fine; nothing answers on port 53
