"""A large cluster for whole-namespace triage: many Services in many namespaces, some broken in known ways.

    python benchmarks/triage_cluster.py OUT_DIR [--services 1000] [--namespaces 50] [--seed 1]

Writes OUT_DIR/cluster/ (00-cluster.yaml: nodes and cluster DNS; one file per namespace) and OUT_DIR/expected.json:
for every Service its namespace/name and the finding code a correct diagnosis must report (null for a
healthy one; `probedCode`: the code once probes ran, when they prove a deeper cause). OUT_DIR/cluster works offline (`kubectl svcdebug -A -f OUT_DIR/cluster`) and as a
simulated-cluster scenario (`python -m tests.sim up OUT_DIR/cluster`). Every fault is one the Kubernetes
"Debug Services" checklist names; which Service gets which fault comes from `random.Random(seed)`.
"""
import argparse
import json
import os
import random

import yaml

FAULTS = {  # name -> (share of Services, the finding that must be reported statically)
    "selector-typo": (0.04, "selector-no-match"),
    "target-port-wrong": (0.04, "target-port-not-exposed"),
    "not-ready": (0.04, "endpoints-not-ready"),
    "named-port-missing": (0.03, "named-port-unresolved"),
    "selectorless": (0.02, "selectorless-no-endpoints"),
    "protocol-mismatch": (0.03, "port-protocol-mismatch"),
    "policy-blocks": (0.03, "policy-blocks-ingress"),
}
PROBED = {"target-port-not-exposed": "not-listening"}  # probes prove the cause; the warning becomes its evidence
NODES = 6  # 254 pod IPs per node: room for 1,500 pods


def cluster_objects() -> list[dict]:
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{i}", "labels": {
        "kubernetes.io/hostname": f"node-{i}", "kubernetes.io/os": "linux"}},
        "spec": {"podCIDR": f"10.244.{i}.0/24", "podCIDRs": [f"10.244.{i}.0/24"]}} for i in range(1, NODES + 1)]
    dns_labels = {"k8s-app": "kube-dns"}
    dns = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system",
                                                              "labels": dns_labels},
         "spec": {"clusterIP": "10.96.0.10", "selector": dns_labels,
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]}},
        _deployment("kube-system", "coredns", dns_labels, [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                                           {"name": "dns-tcp", "containerPort": 53}]),
    ]
    return nodes + dns


def _deployment(ns: str, name: str, labels: dict, ports: list[dict], annotations: dict | None = None,
                readiness: dict | None = None) -> dict:
    container = {"name": "app", "image": f"ghcr.io/example/{name}:1.0", "ports": ports}
    if readiness:
        container["readinessProbe"] = readiness
    template = {"metadata": {"labels": labels}, "spec": {"containers": [container]}}
    if annotations:
        template["metadata"]["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template}}


def _service(ns: str, name: str, selector: dict | None, ports: list[dict]) -> dict:
    spec = {"ports": ports}
    if selector is not None:
        spec["selector"] = selector
    tier = "api" if int(name.rsplit("-", 1)[1]) % 2 else "web"
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "labels": {"tier": tier}},
            "spec": spec}


def service_with_fault(ns: str, name: str, fault: str | None) -> list[dict]:
    """A Deployment and its Service, broken the way `fault` says (None: healthy)."""
    labels = {"app": name}
    http = [{"name": "http", "containerPort": 8080}]
    port = {"name": "http", "port": 80, "targetPort": "http"}
    selector, annotations, readiness = dict(labels), None, None
    if fault == "selector-typo":
        selector = {"app": name + "x"}
    elif fault == "target-port-wrong":
        port = {"name": "http", "port": 80, "targetPort": 8081}
    elif fault == "not-ready":
        http.append({"name": "health", "containerPort": 9000})
        annotations = {"sim.netdebug.io/listen": "8080"}
        readiness = {"httpGet": {"path": "/healthz", "port": "health"}}
    elif fault == "named-port-missing":
        port = {"name": "http", "port": 80, "targetPort": "web"}
    elif fault == "selectorless":
        selector = None
    elif fault == "protocol-mismatch":
        port = {"name": "http", "port": 80, "targetPort": "http", "protocol": "UDP"}
    objects = [_deployment(ns, name, labels, http, annotations, readiness), _service(ns, name, selector, [port])]
    if fault == "policy-blocks":
        objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": {"name": f"{name}-deny", "namespace": ns},
                        "spec": {"podSelector": {"matchLabels": labels}, "policyTypes": ["Ingress"]}})
    return objects


def namespace_objects(ns: str, services: list[tuple[str, str | None]]) -> list[dict]:
    objects = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
               {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "namespace": ns,
                                                                "labels": {"app": "client"}},
                "spec": {"containers": [{"name": "client", "image": "busybox:1.36", "command": ["sleep", "infinity"]}]}}]
    for name, fault in services:
        objects += service_with_fault(ns, name, fault)
    return objects


def plan(services: int, namespaces: int, seed: int) -> dict[str, list[tuple[str, str | None]]]:
    rng = random.Random(seed)
    faults = [f for f, (share, _) in FAULTS.items() for _ in range(round(share * services))]
    faults += [None] * (services - len(faults))
    rng.shuffle(faults)
    layout: dict[str, list] = {f"team-{i:02d}": [] for i in range(namespaces)}
    for i, fault in enumerate(faults):
        layout[f"team-{i % namespaces:02d}"].append((f"svc-{i:04d}", fault))
    return layout


def write(out: str, services: int, namespaces: int, seed: int) -> None:
    manifests = os.path.join(out, "cluster")
    os.makedirs(manifests, exist_ok=True)
    _dump(os.path.join(manifests, "00-cluster.yaml"), cluster_objects())
    expected = []
    for ns, entries in plan(services, namespaces, seed).items():
        _dump(os.path.join(manifests, f"10-{ns}.yaml"), namespace_objects(ns, entries))
        expected += [{"namespace": ns, "name": name, "fault": fault, "code": FAULTS[fault][1] if fault else None,
                      "probedCode": PROBED.get(FAULTS[fault][1], FAULTS[fault][1]) if fault else None}
                     for name, fault in entries]
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


def _dump(path: str, objects: list[dict]) -> None:
    with open(path, "w") as f:
        yaml.safe_dump_all(objects, f, sort_keys=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--namespaces", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.out, args.services, args.namespaces, args.seed)
    print(f"{args.services} Services in {args.namespaces} namespaces (seed {args.seed}) -> {args.out}")


if __name__ == "__main__":
    main()
