"""Synthetic clusters for benchmarks and the NCA differential test: N namespaces, M pods, K policies.

Everything comes from one `random.Random(seed)`, so a seed names a cluster. `write_yaml` writes the
objects as one multi-document file that both netdebug (`-f`) and network-config-analyzer read.
Pods get IPs in 10.0.0.0/8. `nca_compatible=True` leaves out what NCA gets wrong (see
tests/netpolicy/test_nca_differential.py): ipBlocks covering pod IPs, `policyTypes: [Egress, Ingress]`,
`egress: []` without policyTypes, and Exists/DoesNotExist in a podSelector next to a namespaceSelector.
"""
import ipaddress
import random
import re
from dataclasses import dataclass

import yaml

TEAMS = ("red", "blue", "green", "gold")
ENVS = ("prod", "dev")
TIERS = ("web", "api", "db", "cache")
PORTS = (  # (containerPort, name, protocol)
    (80, "http", "TCP"), (443, "https", "TCP"), (8080, "web", "TCP"), (5432, "pg", "TCP"),
    (53, "dns", "UDP"), (9000, "metrics", "TCP"), (7000, "gossip", "SCTP"),
)
PROTOCOLS = ("TCP", "UDP", "SCTP")


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Quotes what kubectl's YAML reader (go-yaml v2) would not read as a string: `60487e15`, `y`, `n`."""


_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+[eE][-+]?[0-9]+$"),
                              list("-+0123456789"))
_Dumper.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
OUTSIDE_CIDRS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/25", "172.16.0.0/12")


@dataclass(frozen=True)
class Shape:
    namespaces: int
    pods: int
    policies: int
    seed: int = 1
    nca_compatible: bool = False
    owners: bool = True  # pods are replicas owned by ReplicaSets (NCA then keeps only two per owner)
    apps_per_namespace: int = 6


def generate(shape: Shape) -> list[dict]:
    rnd = random.Random(shape.seed)
    namespaces = [_namespace(rnd, i) for i in range(shape.namespaces)]
    workloads = _workloads(rnd, namespaces, shape)
    pods = [_pod(i, rnd.choice(workloads), shape.owners) for i in range(shape.pods)]
    policies = [_policy(rnd, i, namespaces, shape) for i in range(shape.policies)]
    return namespaces + pods + policies


def write_yaml(objects: list[dict], path) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        yaml.dump_all(objects, stream, Dumper=_Dumper, sort_keys=False)


def _namespace(rnd: random.Random, index: int) -> dict:
    labels = {"team": rnd.choice(TEAMS), "env": rnd.choice(ENVS)}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns{index}", "labels": labels}}


def _workloads(rnd: random.Random, namespaces: list[dict], shape: Shape) -> list[dict]:
    """Per namespace `apps_per_namespace` Deployments; their replicas share labels and ports."""
    found = []
    for namespace in namespaces:
        for app in range(shape.apps_per_namespace):
            ports = [{"containerPort": n, "name": name, "protocol": proto} for n, name, proto in rnd.sample(PORTS, 2)]
            found.append({"namespace": namespace["metadata"]["name"], "app": f"app{app}", "tier": rnd.choice(TIERS),
                          "hash": f"{rnd.getrandbits(32):08x}", "ports": ports})
    return found


def _pod(index: int, workload: dict, owned: bool) -> dict:
    ip = str(ipaddress.ip_address("10.0.0.0") + 256 + index)
    replica_set = f"{workload['app']}-{workload['hash']}"
    labels = {"app": workload["app"], "tier": workload["tier"], "pod-template-hash": workload["hash"]}
    metadata = {"name": f"{replica_set}-{index}", "namespace": workload["namespace"], "labels": labels}
    if owned:
        metadata["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": replica_set,
                                        "uid": f"uid-{replica_set}", "controller": True}]
    return {
        "apiVersion": "v1", "kind": "Pod", "metadata": metadata,
        "spec": {"containers": [{"name": "main", "image": "app", "ports": workload["ports"]}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]},
    }


def _selector(rnd: random.Random, shape: Shape, existence: bool = True) -> dict:
    choice = rnd.random()
    if choice < 0.15:
        return {}
    if choice < 0.6:
        return {"matchLabels": {"app": f"app{rnd.randrange(shape.apps_per_namespace)}"}}
    if choice < 0.8:
        return {"matchLabels": {"tier": rnd.choice(TIERS)}}
    operator = rnd.choice(("In", "NotIn", "Exists", "DoesNotExist") if existence else ("In", "NotIn"))
    expression = {"key": rnd.choice(("tier", "app", "team")), "operator": operator}
    if operator in ("In", "NotIn"):
        expression["values"] = rnd.sample(TIERS, 2)
    return {"matchExpressions": [expression]}


def _namespace_selector(rnd: random.Random, namespaces: list[dict]) -> dict:
    choice = rnd.random()
    if choice < 0.25:
        return {}
    if choice < 0.6:
        return {"matchLabels": {"team": rnd.choice(TEAMS)}}
    if choice < 0.8:
        return {"matchLabels": {"kubernetes.io/metadata.name": rnd.choice(namespaces)["metadata"]["name"]}}
    return {"matchExpressions": [{"key": "env", "operator": rnd.choice(("In", "NotIn")), "values": [rnd.choice(ENVS)]}]}


def _ip_block(rnd: random.Random, shape: Shape) -> dict:
    """Mostly addresses outside the cluster; sometimes the whole pod network 10.0.0.0/8 (matched by pod IP)."""
    if not shape.nca_compatible and rnd.random() < 0.2:
        return {"cidr": rnd.choice(("10.0.0.0/8", "10.0.0.0/16"))}
    if rnd.random() < 0.3:
        return {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}
    return {"cidr": rnd.choice(OUTSIDE_CIDRS)}


def _peer(rnd: random.Random, namespaces: list[dict], shape: Shape) -> dict:
    kind = rnd.random()
    if kind < 0.35:
        return {"podSelector": _selector(rnd, shape)}
    if kind < 0.6:
        return {"namespaceSelector": _namespace_selector(rnd, namespaces)}
    if kind < 0.85:
        pods = _selector(rnd, shape, existence=not shape.nca_compatible)
        return {"namespaceSelector": _namespace_selector(rnd, namespaces), "podSelector": pods}
    return {"ipBlock": _ip_block(rnd, shape)}


def _port(rnd: random.Random) -> dict:
    number, name, protocol = rnd.choice(PORTS)
    kind = rnd.random()
    if kind < 0.45:
        return {"port": number, "protocol": protocol}
    if kind < 0.7:
        return {"port": name, "protocol": protocol}
    if kind < 0.85:
        return {"port": number, "endPort": number + rnd.choice((0, 10, 1000)), "protocol": protocol}
    return {"protocol": rnd.choice(PROTOCOLS)}


def _rule(rnd: random.Random, direction: str, namespaces: list[dict], shape: Shape) -> dict:
    rule = {}
    if rnd.random() < 0.85:
        rule["from" if direction == "ingress" else "to"] = [_peer(rnd, namespaces, shape)
                                                            for _ in range(rnd.randint(1, 3))]
    if rnd.random() < 0.75:
        rule["ports"] = [_port(rnd) for _ in range(rnd.randint(1, 2))]
    return rule


def _policy_types(rnd: random.Random, shape: Shape) -> list[str] | None:
    choices = [None, ["Ingress"], ["Egress"], ["Ingress", "Egress"]]
    if not shape.nca_compatible:
        choices.append(["Egress", "Ingress"])
    return rnd.choice(choices)


def _policy(rnd: random.Random, index: int, namespaces: list[dict], shape: Shape) -> dict:
    spec = {"podSelector": _selector(rnd, shape)}
    types = _policy_types(rnd, shape)
    if types:
        spec["policyTypes"] = types
    for direction in ("ingress", "egress"):
        if (types is None or direction.capitalize() in types) and rnd.random() < 0.85:
            rules = [_rule(rnd, direction, namespaces, shape) for _ in range(rnd.randint(0, 3))]
            if rules or types or not shape.nca_compatible:
                spec[direction] = rules
    namespace = rnd.choice(namespaces)["metadata"]["name"]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": f"np{index}", "namespace": namespace}, "spec": spec}
