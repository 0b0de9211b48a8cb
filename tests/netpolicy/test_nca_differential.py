"""Differential test: our engine against network-config-analyzer (NCA) on random clusters.

Each seed names a cluster (benchmarks/synthetic.py) written once as YAML and read by both tools.
For every ordered pair of distinct pods, the allowed connection sets (TCP/UDP/SCTP port intervals)
must be identical. Pods have no ownerReferences here: NCA keeps at most two pods of one owner with
the same labels (by design), and a per-pod comparison needs every pod. Known NCA defects are kept out of the random clusters and pinned below:
  - NCA never matches pods by IP in an ipBlock (Kubernetes does: a pod IP inside `cidr` and not in
    `except` is that peer), so generated ipBlocks stay outside the pod range 10.0.0.0/8;
  - NCA rejects `policyTypes: [Egress, Ingress]` (that order), so that order is not generated;
  - NCA treats `egress: []` in a policy without policyTypes as egress isolation; Kubernetes adds
    Egress to the defaulted policyTypes only when the egress list is non-empty (SetDefaults_NetworkPolicy:
    `len(spec.Egress) != 0`), so that form is not generated;
  - NCA matches no pod of another namespace with a peer that has a namespaceSelector and a podSelector
    using Exists/DoesNotExist (In/NotIn/matchLabels work), so such peers are not generated.
"""
import pytest

from benchmarks.synthetic import Shape, generate, write_yaml
from netdebug.manifests.loader import load
from netdebug.model import objects
from netdebug.policy.engine import Endpoint, PolicyEngine
from netdebug.policy.matrix import compute

from . import nca as nca_tool

pytestmark = pytest.mark.slow
SEEDS = (1, 2, 3, 4, 5, 6)


@pytest.fixture(scope="module")
def nca():
    path, why = nca_tool.find_nca()
    if path is None:
        pytest.skip(f"network-config-analyzer is not available: {why}")
    return path


def our_connectivity(cluster_file: str) -> tuple[list[str], dict]:
    snapshot = load([cluster_file])
    engine = PolicyEngine(snapshot)
    assert engine.problems == []
    endpoints = [Endpoint.for_pod(p) for p in snapshot.of("Pod")]
    found = {(s.ref, d.ref): engine.allowed_connections(s, d) for s in endpoints for d in endpoints if s is not d}
    grid = compute(engine, snapshot.of("Pod"))  # the matrix (per equivalence class) must say the same
    refs = grid.refs()
    assert {(refs[s], refs[d]): c for s, d, c in grid.pairs() if s != d} == found
    return [objects.ref(p) for p in snapshot.of("Pod")], found


def disagreements(pods, ours, theirs) -> list[str]:
    none = nca_tool.ConnectionSet.none()
    return [f"{src} -> {dst}: netdebug {ours[(src, dst)]} / NCA {theirs.get((src, dst), none)}"
            for src in pods for dst in pods
            if src != dst and ours[(src, dst)] != theirs.get((src, dst), none)]


SHAPES = [(4, 36, 30, seed) for seed in SEEDS] + [(6, 80, 80, 101)]  # (namespaces, pods, policies, seed)


@pytest.mark.parametrize("namespaces,pods,policies,seed", SHAPES)
def test_same_connectivity_as_nca(nca, tmp_path, namespaces, pods, policies, seed):
    cluster = tmp_path / f"cluster-{seed}.yaml"
    write_yaml(generate(Shape(namespaces=namespaces, pods=pods, policies=policies, seed=seed,
                              nca_compatible=True, owners=False)), cluster)
    pods, ours = our_connectivity(str(cluster))
    theirs = nca_tool.parse_connectivity(nca_tool.run_connectivity(nca, str(cluster)))
    allowed = sum(1 for cs in ours.values() if cs)
    assert 0 < allowed < len(ours), "the random cluster should allow some pairs and deny others"
    assert disagreements(pods, ours, theirs) == []


POD_IP_BLOCK = """
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.1.0.5, podIPs: [{ip: 10.1.0.5}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: b}
spec: {containers: [{name: c, image: x}]}
status: {podIP: 10.2.0.7, podIPs: [{ip: 10.2.0.7}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-client-ip, namespace: b}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 10.1.0.0/16}}], ports: [{port: 80}]}]
"""


def test_known_nca_defect_pods_matched_by_ip(nca, tmp_path):
    """Kubernetes matches a pod whose IP is in an ipBlock; NCA does not (documented defect, pinned)."""
    cluster = tmp_path / "ipblock.yaml"
    cluster.write_text(POD_IP_BLOCK)
    _, ours = our_connectivity(str(cluster))
    theirs = nca_tool.parse_connectivity(nca_tool.run_connectivity(nca, str(cluster)))
    assert str(ours[("a/client", "b/server")]) == "TCP 80"
    assert ("a/client", "b/server") not in theirs  # NCA: no connection at all


def test_known_nca_defect_egress_ingress_order(nca, tmp_path):
    """`policyTypes: [Egress, Ingress]` is valid Kubernetes; NCA refuses the file (documented defect, pinned)."""
    cluster = tmp_path / "order.yaml"
    cluster.write_text(POD_IP_BLOCK.replace("podSelector: {}\n", "podSelector: {}\n  policyTypes: [Egress, Ingress]\n"))
    _, ours = our_connectivity(str(cluster))
    assert str(ours[("b/server", "a/client")]) == "none"  # server's egress is isolated with no rule
    with pytest.raises(AssertionError, match="no connectivity map"):
        nca_tool.run_connectivity(nca, str(cluster))


def both_tools(nca, tmp_path, text):
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text(text)
    _, ours = our_connectivity(str(cluster))
    return ours, nca_tool.parse_connectivity(nca_tool.run_connectivity(nca, str(cluster)))


def test_known_nca_defect_empty_egress_list_without_policy_types(nca, tmp_path):
    """`egress: []` and no policyTypes: Kubernetes defaults to [Ingress] only; NCA isolates egress too."""
    text = POD_IP_BLOCK.replace("ingress: [{from: [{ipBlock: {cidr: 10.1.0.0/16}}], ports: [{port: 80}]}]",
                                "ingress: [{}]\n  egress: []")
    ours, theirs = both_tools(nca, tmp_path, text)
    assert str(ours[("b/server", "a/client")]) == "all"
    assert ("b/server", "a/client") not in theirs


def test_known_nca_defect_existence_operator_next_to_namespace_selector(nca, tmp_path):
    """A peer {namespaceSelector: {}, podSelector: app Exists} admits a/client; NCA admits nothing."""
    peer = "{namespaceSelector: {}, podSelector: {matchExpressions: [{key: app, operator: Exists}]}}"
    text = POD_IP_BLOCK.replace("{ipBlock: {cidr: 10.1.0.0/16}}", peer)
    ours, theirs = both_tools(nca, tmp_path, text)
    assert str(ours[("a/client", "b/server")]) == "TCP 80"
    assert ("a/client", "b/server") not in theirs
    same_text = text.replace("operator: Exists}", "operator: In, values: [client]}")
    ours, theirs = both_tools(nca, tmp_path, same_text)
    assert str(theirs[("a/client", "b/server")]) == str(ours[("a/client", "b/server")]) == "TCP 80"
