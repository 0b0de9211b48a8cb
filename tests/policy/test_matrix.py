"""The class-based grid gives exactly the engine's pairwise answers."""
import pytest

from netdebug.policy.classes import classify
from netdebug.policy.engine import Endpoint, PolicyEngine
from netdebug.policy.matrix import compute

from .cluster import namespace, pod, policy, snapshot
from .randomized import random_cluster


@pytest.mark.parametrize("seed", range(25))
def test_matrix_equals_pairwise_engine(seed):
    snap = random_cluster(seed)
    engine = PolicyEngine(snap)
    assert engine.problems == []
    matrix = compute(engine, snap.of("Pod"))
    endpoints = [Endpoint.for_pod(p) for p in matrix.pods]
    for i, j, connections in matrix.pairs():
        assert connections == engine.allowed_connections(endpoints[i], endpoints[j]), (matrix.pods[i], matrix.pods[j])


def test_labels_no_selector_reads_do_not_split_classes():
    pods = [pod("a", f"web-{i}", {"app": "web", "pod-template-hash": str(i)}, ip=f"10.1.0.{i}") for i in range(5)]
    pods.append(pod("a", "db", {"app": "db"}, ip="10.1.0.9"))
    snap = snapshot(namespace("a"), *pods, policy("a", "p", {"podSelector": {"matchLabels": {"app": "db"}}}))
    classes, class_of = classify(PolicyEngine(snap).policies, pods)
    assert len(classes) == 2 and class_of == [0, 0, 0, 0, 0, 1]


def test_ipblock_membership_splits_classes():
    pods = [pod("a", "in", {"app": "x"}, ip="10.0.0.1"), pod("a", "out", {"app": "x"}, ip="10.9.0.1")]
    spec = {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/16"}}]}]}
    snap = snapshot(namespace("a"), *pods, policy("a", "p", spec))
    engine = PolicyEngine(snap)
    classes, _ = classify(engine.policies, pods)
    assert len(classes) == 2
    matrix = compute(engine, pods)
    assert str(matrix.connections(0, 1)) == "all" and str(matrix.connections(1, 0)) == "none"


@pytest.mark.parametrize("seed", range(6))
def test_matrix_equals_pairwise_engine_on_benchmark_clusters(seed):
    """The benchmark's generator exercises named ports, ranges, ipBlocks over pod IPs and SCTP."""
    from benchmarks.synthetic import Shape, generate

    snap = snapshot(*generate(Shape(namespaces=4, pods=60, policies=40, seed=seed)))
    for ns in snap.of("Namespace"):
        ns["metadata"]["labels"]["kubernetes.io/metadata.name"] = ns["metadata"]["name"]
    engine = PolicyEngine(snap)
    assert engine.problems == []
    matrix = compute(engine, snap.of("Pod"))
    endpoints = [Endpoint.for_pod(p) for p in matrix.pods]
    for i, j, connections in matrix.pairs():
        assert connections == engine.allowed_connections(endpoints[i], endpoints[j])
