"""`networkPolicy: enforce`: the simulated CNI turns NetworkPolicies into packet drops."""
import os

import pytest

from tests.simtests.simnet_support import SIM_SCENARIOS, in_pod, pod_ip, pod_ref, tcp

pytestmark = pytest.mark.sim
SHOP_ENFORCED = ("examples/shop", os.path.join(SIM_SCENARIOS, "enforce"))


def _reach(sim, src, host, port):
    code, err, _ = tcp(sim, src, host, port, wait=1)
    return "connected" if code == 0 else "timeout" if "timed out" in err else "refused" if "refused" in err else err


@pytest.mark.parametrize("sim_cluster", [SHOP_ENFORCED], indirect=True)
def test_shop_policies_are_enforced(sim_cluster):
    frontend, backend = pod_ref(sim_cluster, "shop", "frontend"), pod_ref(sim_cluster, "shop", "backend")
    prometheus = pod_ref(sim_cluster, "monitoring", "prometheus")
    cases = [(frontend, "backend", 8080, "connected"),       # named port `api` on the backend side
             (frontend, "db", 5432, "timeout"),               # frontend egress allows backend + DNS only
             (backend, "db", 5432, "connected"),
             (prometheus, "frontend.shop", 80, "connected"),  # frontend accepts port 80 from anywhere
             (prometheus, "backend.shop", 8080, "timeout"),
             ("shop/db-0", "backend", 8080, "timeout"),
             (frontend, pod_ip(sim_cluster, prometheus), 9090, "timeout")]
    assert [(s, h, p, _reach(sim_cluster, s, h, p)) for s, h, p, _ in cases] == cases


@pytest.mark.parametrize("sim_cluster", [SHOP_ENFORCED], indirect=True)
def test_a_pod_reaches_itself_through_its_service_but_not_a_denied_sibling(sim_cluster):
    """frontend-egress denies the other frontend; the pod itself is no policy matter (as in the engine)."""
    from concurrent.futures import ThreadPoolExecutor
    frontend = pod_ref(sim_cluster, "shop", "frontend")
    cluster_ip = sim_cluster.store.get("Service", "shop", "frontend")["spec"]["clusterIP"]
    with ThreadPoolExecutor(12) as pool:  # kube-proxy picks one of the two frontends at random each time
        runs = list(pool.map(lambda _: in_pod(sim_cluster, frontend, ["curl", "-s", "-m", "1", f"http://{cluster_ip}/"])[0],
                             range(12)))
    answered = [r.stdout.split()[0] for r in runs if r.returncode == 0]
    assert answered and set(answered) == {frontend}, [(r.returncode, r.stdout) for r in runs]
    assert all(r.returncode == 28 for r in runs if r.returncode != 0)  # the sibling: dropped, curl timed out


@pytest.mark.parametrize("sim_cluster", [SHOP_ENFORCED], indirect=True)
def test_dns_egress_rule_lets_lookups_through(sim_cluster):
    result, _ = in_pod(sim_cluster, pod_ref(sim_cluster, "shop", "frontend"), ["getent", "hosts", "backend"])
    assert result.returncode == 0


@pytest.mark.parametrize("sim_cluster", [os.path.join(SIM_SCENARIOS, "enforce-ipblock")], indirect=True)
def test_ip_block_except_port_range_named_port_and_egress(sim_cluster):
    cases = [("lab/allowed", 8000, "connected"), ("lab/allowed", 8100, "connected"), ("lab/allowed", 8101, "timeout"),
             ("lab/allowed", 9443, "timeout"), ("lab/excepted", 8000, "timeout"), ("lab/excepted", 9443, "connected"),
             ("lab/locked", 8100, "connected"), ("lab/locked", 8000, "timeout")]
    assert [(s, p, _reach(sim_cluster, s, "10.244.7.10", p)) for s, p, _ in cases] == cases
    assert _reach(sim_cluster, "lab/target", "10.244.7.40", 1) == "refused"  # ingress to `locked` is not isolated


ADMIN = os.path.join(SIM_SCENARIOS, "enforce-admin")


@pytest.mark.parametrize("sim_cluster", [ADMIN], indirect=True)
def test_admin_tiers_are_enforced(sim_cluster):
    ip = {ref: pod_ip(sim_cluster, ref) for ref in sim_cluster.plane.pods}
    cases = [("ops/probe", "apps/api", 9090, "connected"),    # ANP allow (named port) before NetworkPolicy
             ("ops/probe", "apps/api", 8080, "timeout"),      # NetworkPolicy: only web
             ("apps/web", "apps/api", 8080, "connected"),     # ClusterNetworkPolicy pass -> NetworkPolicy allows
             ("apps/web", "apps/api", 9090, "timeout"),
             ("guest/visitor", "apps/api", 8080, "timeout"),  # ANP deny beats everything below
             ("guest/visitor", "apps/web", 80, "timeout"),
             ("apps/api", "ops/probe", 9100, "timeout"),      # baseline deny (probe is not NetworkPolicy-isolated)
             ("guest/visitor", "ops/probe", 9100, "timeout"),  # egress ANP deny, port range
             ("ops/probe", "apps/web", 80, "connected")]      # no tier says anything: allowed
    assert [(s, d, p, _reach(sim_cluster, s, ip[d], p)) for s, d, p, _ in cases] == cases


@pytest.mark.parametrize("sim_cluster", [SHOP_ENFORCED, os.path.join(SIM_SCENARIOS, "enforce-ipblock"), ADMIN],
                         indirect=True)
def test_packets_agree_with_netdebugs_policy_engine_for_every_pod_pair(sim_cluster):
    """Two independent implementations (this CNI, netdebug's engine) judge every pod pair and port alike."""
    from concurrent.futures import ThreadPoolExecutor

    from netdebug.model.snapshot import Snapshot
    from netdebug.policy.engine import Endpoint, PolicyEngine

    snapshot = Snapshot(origin="live")
    for kind in ("Namespace", "Pod", "NetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
                 "ClusterNetworkPolicy", "Node"):
        for obj in sim_cluster.store.list(kind):
            snapshot.add(obj)
    engine, pods = PolicyEngine(snapshot), sim_cluster.store.list("Pod")
    cases = [(src, dst, port["containerPort"]) for src in pods for dst in pods if src is not dst
             for c in dst["spec"]["containers"] for port in c.get("ports") or [] if port.get("protocol", "TCP") == "TCP"]

    def both(case):
        src, dst, port = case
        verdict = engine.check(Endpoint.for_pod(src), Endpoint.for_pod(dst), port=port, protocol="TCP")
        packets = _reach(sim_cluster, f"{src['metadata']['namespace']}/{src['metadata']['name']}", dst["status"]["podIP"], port)
        return f"{src['metadata']['name']} -> {dst['metadata']['name']}:{port}", verdict.allowed, packets

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(both, cases))
    assert len(results) >= 12
    disagree = [r for r in results if r[1] != (r[2] == "connected")]
    assert disagree == []
    assert {r[2] for r in results} == {"connected", "timeout"}
