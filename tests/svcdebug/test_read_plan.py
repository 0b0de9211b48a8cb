"""svcdebug's read plan (pure): which API reads one Service needs, round by round."""
from netdebug.diagnose.svc_read_plan import EVENTS_PER_POD_LIMIT, around_reads, candidate_reads, second_reads
from netdebug.model.queries import Query
from netdebug.model.snapshot import Snapshot
from tests.fakeruntime import FakeRuntime

from .conftest import SCENARIOS


def service(kind: str = "ClusterIP") -> dict:
    return {"kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"type": kind, "selector": {"app": "web"}, "ports": [{"port": 80}]}}


def test_missing_service_reads_only_did_you_mean_candidates():
    assert candidate_reads("shop", "web") == [Query("Service", "shop"),
                                              Query("Service", None, field_selector="metadata.name=web")]


def test_round_two_is_the_namespace_and_every_policy_tier():
    reads = around_reads(service(), None)
    assert Query("EndpointSlice", "shop", label_selector="kubernetes.io/service-name=web") in reads
    assert {q.kind for q in reads} >= {"Pod", "NetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
                                       "ClusterNetworkPolicy", "Ingress", "StatefulSet", "Namespace"}
    assert len(reads) == 9
    other = around_reads(service(), ("tools", "debug"))
    assert Query("Pod", "tools", "debug") in other and Query("NetworkPolicy", "tools") in other
    assert Query("Namespace", None, "tools") in other


def test_a_client_that_resolves_names_adds_what_the_dns_policy_check_needs():
    reads = around_reads(service(), None, dns=True)
    added = set(reads) - set(around_reads(service(), None))
    assert added == {Query("Pod", "kube-system", label_selector="k8s-app in (kube-dns,node-local-dns)"),
                     Query("NetworkPolicy", "kube-system"), Query("Namespace", None, "kube-system")}
    in_kube_system = {"kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system"}, "spec": {}}
    assert Query("Pod", "kube-system") in around_reads(in_kube_system, None, dns=True)
    assert not [q for q in around_reads(in_kube_system, None, dns=True) if q.label_selector and "node-local-dns" in q.label_selector]


def test_round_three_only_what_the_snapshot_calls_for():
    snapshot = Snapshot(origin="live")
    snapshot.add(service())
    assert second_reads(snapshot, service(), slices_forbidden=False) == []
    assert second_reads(snapshot, service(), slices_forbidden=True) == [Query("Endpoints", "shop", "web")]
    assert second_reads(snapshot, service("NodePort"), False) == [Query("Node")]


def test_events_of_not_ready_backends_by_name_or_one_namespace_list():
    snapshot = FakeRuntime(SCENARIOS / "not-ready").snapshot()
    web = next(s for s in snapshot.of("Service") if s["metadata"]["namespace"] == "shop")
    reads = [q for q in second_reads(snapshot, web, False) if q.kind == "Event"]
    assert reads and len(reads) <= EVENTS_PER_POD_LIMIT
    assert all(q.field_selector.startswith("involvedObject.name=") for q in reads)
