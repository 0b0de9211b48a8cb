"""The class-based grid gives exactly the engine's pairwise answers."""
import pytest

from netdebug.policy.classes import classify
from netdebug.policy.engine import Endpoint, PolicyEngine
from netdebug.policy.matrix import compute
from netdebug.policy.ports import ALL

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


def test_matrix_json_and_csv_pairs_equal_the_engine(tmp_path):
    """Through the CLI: every ordered pair of `matrix -o json` / `-o csv` equals the pairwise engine
    (clusters where named ports split destination classes but not source classes)."""
    import csv
    import io
    import json
    from contextlib import redirect_stdout

    from benchmarks.synthetic import Shape, generate, write_yaml
    from netdebug.cli.netpolicy import command
    from netdebug.manifests.loader import load

    path = tmp_path / "cluster.yaml"
    write_yaml(generate(Shape(namespaces=3, pods=40, policies=30, seed=3)), path)
    engine = PolicyEngine(load([str(path)]))
    endpoints = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": Endpoint.for_pod(p)
                 for p in engine.snapshot.of("Pod")}
    outputs = {}
    for fmt in ("json", "csv"):
        out = io.StringIO()
        with redirect_stdout(out):
            command.main(args=["matrix", "-f", str(path), "-o", fmt], standalone_mode=False)
        outputs[fmt] = out.getvalue()
    rows = json.loads(outputs["json"])["connections"]
    assert len(rows) == len(endpoints) ** 2
    for row in rows:
        expected = ALL if row["from"] == row["to"] else engine.allowed_connections(endpoints[row["from"]], endpoints[row["to"]])
        assert row["connections"] == str(expected), row
    csv_rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert [(r["from"], r["to"], r["connections"]) for r in csv_rows] == \
        [(r["from"], r["to"], r["connections"]) for r in rows]


def test_named_ports_split_destination_classes_but_not_source_classes(tmp_path):
    import io
    import json
    from contextlib import redirect_stdout

    import yaml

    from netdebug.cli.netpolicy import command

    objs = [namespace("a"),
            pod("a", "api-1", {"app": "api"}, ip="10.1.0.1", ports=[("http", 8080, "TCP")]),
            pod("a", "api-2", {"app": "api"}, ip="10.1.0.2", ports=[("http", 9090, "TCP")]),
            pod("a", "web", {"app": "web"}, ip="10.1.0.3"),
            policy("a", "in", {"podSelector": {"matchLabels": {"app": "api"}}, "ingress": [{"ports": [{"port": "http"}]}]}),
            policy("a", "out", {"podSelector": {}, "policyTypes": ["Egress"],
                                "egress": [{"to": [{"podSelector": {"matchLabels": {"app": "api"}}}]}]})]
    engine = PolicyEngine(snapshot(*objs))
    matrix = compute(engine, engine.snapshot.of("Pod"))
    assert len(matrix.classes) == 3 and len(matrix.grid) == 2, "api-1/api-2 differ only as destinations"
    path = tmp_path / "objects.yaml"
    path.write_text(yaml.safe_dump_all(objs))
    out = io.StringIO()
    with redirect_stdout(out):
        command.main(args=["matrix", "-f", str(path), "-o", "json"], standalone_mode=False)
    got = {(r["from"], r["to"]): r["connections"] for r in json.loads(out.getvalue())["connections"]}
    assert got[("a/web", "a/api-1")] == "TCP 8080" and got[("a/web", "a/api-2")] == "TCP 9090"
    assert got[("a/api-1", "a/api-2")] == "TCP 9090" and got[("a/api-2", "a/api-1")] == "TCP 8080"
    assert got[("a/api-1", "a/web")] == "none" and got[("a/web", "a/web")] == "all"
