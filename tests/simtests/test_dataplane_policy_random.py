"""Randomized differential test: random pods and NetworkPolicies, judged by the enforcing simulated
CNI (real packets) and by netdebug's policy engine; they must agree on every pod pair and TCP port."""
import os
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from tests.conftest import sim_unavailable, unique_run_name
from tests.simtests.simnet_support import tcp

pytestmark = [pytest.mark.sim, pytest.mark.slow,
              pytest.mark.skipif(sim_unavailable() is not None, reason=str(sim_unavailable()))]
NAMESPACES = {"alpha": {"team": "a", "env": "prod"}, "beta": {"team": "b", "env": "prod"}, "gamma": {"team": "c", "env": "dev"}}
PORTS = [("http", 80, "TCP"), ("api", 8080, "TCP"), ("db", 5432, "TCP"), ("alt", 8081, "TCP"), ("dns", 53, "UDP")]
APPS = ("web", "api", "db")


def _pods(rng: random.Random) -> list[dict]:
    pods = []
    for index in range(9):
        namespace = list(NAMESPACES)[index % 3]
        ports = rng.sample(PORTS, rng.randint(1, 3))
        pods.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": f"p{index}", "namespace": namespace,
                                  "labels": {"app": rng.choice(APPS), "tier": rng.choice(("front", "back"))}},
                     "spec": {"containers": [{"name": "c", "image": "img:1", "ports": [
                         {"name": n, "containerPort": p, "protocol": proto} for n, p, proto in ports]}]},
                     "status": {"podIP": f"10.244.5.{10 + index}"}})
    return pods


def _selector(rng: random.Random, keys: dict) -> dict:
    choice = rng.random()
    key = rng.choice(list(keys))
    if choice < 0.25:
        return {}
    if choice < 0.7:
        return {"matchLabels": {key: rng.choice(keys[key])}}
    operator = rng.choice(("In", "NotIn", "Exists", "DoesNotExist"))
    expression = {"key": key, "operator": operator}
    if operator in ("In", "NotIn"):
        expression["values"] = rng.sample(keys[key], rng.randint(1, len(keys[key])))
    return {"matchExpressions": [expression]}


def _peer(rng: random.Random) -> dict:
    kind = rng.random()
    pod_keys, ns_keys = {"app": list(APPS), "tier": ["front", "back"]}, {"team": ["a", "b", "c"], "env": ["prod", "dev"]}
    if kind < 0.35:
        return {"podSelector": _selector(rng, pod_keys)}
    if kind < 0.6:
        return {"namespaceSelector": _selector(rng, ns_keys)}
    if kind < 0.85:
        return {"namespaceSelector": _selector(rng, ns_keys), "podSelector": _selector(rng, pod_keys)}
    low = rng.randint(8, 14)
    return {"ipBlock": {"cidr": "10.244.5.0/28" if low < 12 else "10.244.5.0/24",
                        "except": [f"10.244.5.{low}/32"] if rng.random() < 0.6 else []}}


def _port(rng: random.Random) -> dict:
    name, number, protocol = rng.choice(PORTS)
    kind = rng.random()
    if kind < 0.4:
        return {"port": number, "protocol": protocol}
    if kind < 0.7:
        return {"port": name, "protocol": protocol}
    return {"port": 8000, "endPort": rng.choice((8080, 8081, 9000)), "protocol": "TCP"}


def _rules(rng: random.Random, side: str) -> list[dict]:
    rules = []
    for _ in range(rng.randint(0, 2)):
        rule = {}
        if rng.random() < 0.8:
            rule["from" if side == "ingress" else "to"] = [_peer(rng) for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.7:
            rule["ports"] = [_port(rng) for _ in range(rng.randint(1, 2))]
        rules.append(rule)
    return rules


def _policies(rng: random.Random) -> list[dict]:
    policies = []
    for index in range(6):
        types = rng.choice((["Ingress"], ["Egress"], ["Ingress", "Egress"]))
        spec = {"podSelector": _selector(rng, {"app": list(APPS), "tier": ["front", "back"]}), "policyTypes": types}
        for side in ("ingress", "egress"):
            if side.capitalize() in types:
                spec[side] = _rules(rng, side)
        policies.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": {"name": f"np{index}", "namespace": rng.choice(list(NAMESPACES))}, "spec": spec})
    return policies


def write_scenario(directory, seed: int) -> None:
    rng = random.Random(seed)
    docs = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-a"}, "spec": {"podCIDR": "10.244.5.0/24"}},
            {"apiVersion": "v1", "kind": "ConfigMap", "data": {"networkPolicy": "enforce"},
             "metadata": {"name": "netdebug-sim", "labels": {"sim.netdebug.io/scenario": "true"}}}]
    docs += [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": labels}}
             for n, labels in NAMESPACES.items()]
    docs += _pods(rng) + _policies(rng)
    with open(os.path.join(directory, "scenario.yaml"), "w", encoding="utf-8") as stream:
        yaml.safe_dump_all(docs, stream)


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("SIM_POLICY_SEEDS", "1,2,3,4").split(",")])
def test_random_policies_packets_agree_with_the_engine(tmp_path, seed):
    from netdebug.model.snapshot import Snapshot
    from netdebug.policy.engine import Endpoint, PolicyEngine
    from tests.sim.cluster import SimCluster

    write_scenario(tmp_path, seed)
    sim = SimCluster.start(str(tmp_path), unique_run_name())
    try:
        snapshot = Snapshot(origin="live")
        for kind in ("Namespace", "Pod", "NetworkPolicy"):
            for obj in sim.store.list(kind):
                snapshot.add(obj)
        engine, pods = PolicyEngine(snapshot), sim.store.list("Pod")
        cases = [(s, d, p["containerPort"]) for s in pods for d in pods if s is not d
                 for p in d["spec"]["containers"][0]["ports"] if p["protocol"] == "TCP"]

        def judge(case):
            src, dst, port = case
            allowed = engine.check(Endpoint.for_pod(src), Endpoint.for_pod(dst), port=port, protocol="TCP").allowed
            code, err, _ = tcp(sim, f"{src['metadata']['namespace']}/{src['metadata']['name']}", dst["status"]["podIP"],
                               port, wait=1)
            return f"{src['metadata']['name']}->{dst['metadata']['name']}:{port}", allowed, code == 0, err

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(judge, cases))
    finally:
        sim.stop()
    disagree = [(case, engine_says, packets) for case, engine_says, packets, _ in results if engine_says != packets]
    assert disagree == [], f"seed {seed}: engine vs packets"
    assert all("refused" not in err for *_, err in results)  # every declared TCP port listens
    assert {packets for _, _, packets, _ in results} == {True, False}  # a mix, not a trivial verdict
