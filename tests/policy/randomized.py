"""Seeded random clusters for cross-checks: a few namespaces, labelled pods and varied policies."""
import random

from .cluster import namespace, pod, policy, snapshot

LABELS = {"app": ["web", "api", "db"], "tier": ["a", "b"]}


def random_cluster(seed: int, namespaces: int = 3, pods: int = 18, policies: int = 8):
    rnd = random.Random(seed)
    names = [f"n{i}" for i in range(namespaces)]
    objs = [namespace(n, {"team": rnd.choice("xy")}) for n in names]
    for i in range(pods):
        labels = {k: rnd.choice(v) for k, v in LABELS.items() if rnd.random() < 0.8}
        ports = [("http", rnd.choice([80, 8080]), "TCP"), ("dns", 53, "UDP")][: rnd.randrange(3)]
        objs.append(pod(names[i % namespaces], f"p{i}", labels, ip=f"10.0.{i % 4}.{i}", ports=ports,
                        host_network=rnd.random() < 0.05))
    objs += [policy(rnd.choice(names), f"np{k}", _spec(rnd)) for k in range(policies)]
    return snapshot(*objs)


def _selector(rnd):
    key = rnd.choice(list(LABELS))
    if rnd.random() < 0.3:
        return {"matchExpressions": [{"key": key, "operator": rnd.choice(["In", "NotIn"]), "values": [rnd.choice(LABELS[key])]}]}
    return {"matchLabels": {key: rnd.choice(LABELS[key])}} if rnd.random() < 0.8 else {}


def _peer(rnd):
    choice = rnd.random()
    if choice < 0.35:
        return {"podSelector": _selector(rnd)}
    if choice < 0.55:
        return {"namespaceSelector": {"matchLabels": {"team": rnd.choice("xy")}}}
    if choice < 0.8:
        return {"namespaceSelector": {}, "podSelector": _selector(rnd)}
    return {"ipBlock": {"cidr": "10.0.0.0/22", "except": [f"10.0.{rnd.randrange(4)}.0/24"]}}


def _ports(rnd):
    return rnd.choice([[], [{"port": 80}], [{"port": "http"}], [{"port": 8000, "endPort": 8080}],
                       [{"port": "dns", "protocol": "UDP"}, {"protocol": "SCTP"}]])


def _spec(rnd):
    spec = {"podSelector": _selector(rnd)}
    if rnd.random() < 0.8:
        spec["ingress"] = [{"from": [_peer(rnd) for _ in range(rnd.randrange(3))], "ports": _ports(rnd)}
                           for _ in range(rnd.randrange(3))]
    if rnd.random() < 0.5:
        spec["egress"] = [{"to": [_peer(rnd) for _ in range(rnd.randrange(3))], "ports": _ports(rnd)}
                          for _ in range(rnd.randrange(3))]
    if rnd.random() < 0.5:
        spec["policyTypes"] = rnd.choice([["Ingress"], ["Egress"], ["Egress", "Ingress"], ["Ingress", "Egress"]])
    return spec
