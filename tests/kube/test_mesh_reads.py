"""Reading the mesh policies: the pure plan (diagnose/mesh_reads) and kube/queries executing it: Linkerd's
AuthorizationPolicy read under its qualified name comes back as kind AuthorizationPolicy; a Server not
served at v1beta3 is read at v1beta1; 404 (CRD not installed) leaves no gap, 403 does."""
from netdebug.diagnose.mesh_reads import mesh_reads, reference_reads
from netdebug.kube.policies import without_unserved
from netdebug.kube.queries import run_queries
from netdebug.model.gaps import FORBIDDEN, NOT_SERVED, Gap
from netdebug.model.kinds import LINKERD_AUTHORIZATION_POLICY, LINKERD_SERVER_V1BETA1
from netdebug.model.queries import Query
from netdebug.model.snapshot import Snapshot


def pod(name, namespace, container=None, labels=None):
    containers = [{"name": "app", "image": "x"}] + ([{"name": container, "image": "proxy"}] if container else [])
    return {"kind": "Pod", "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
            "spec": {"containers": containers}}


class FakeCluster:
    """Lists from a table {(kind, namespace): items}; kinds in `status` answer 403/404 as gaps."""

    def __init__(self, table, status=None):
        self.table, self.status, self.gaps, self.calls = table, status or {}, [], []

    def list(self, kind, namespace=None, label_selector=None, field_selector=None):
        self.calls.append((kind, namespace))
        if kind in self.status:
            self.gaps.append(Gap(kind, namespace, self.status[kind]))
            return []
        return [dict(item) for item in self.table.get((kind, namespace), [])]

    def get(self, kind, namespace, name):
        return None


def test_reads_follow_the_meshes_of_the_pods():
    snapshot = Snapshot(origin="live")
    pods = [pod("api", "shop", "istio-proxy"), pod("voting", "emoji", "linkerd-proxy"), pod("plain", "other")]
    reads = mesh_reads(snapshot, pods)
    assert {(q.kind, q.namespace) for q in reads} == {
        ("PeerAuthentication", "shop"), ("AuthorizationPolicy", "shop"),
        ("PeerAuthentication", "istio-system"), ("AuthorizationPolicy", "istio-system"),
        *{(kind, "emoji") for kind in ("Server", "ServerAuthorization", LINKERD_AUTHORIZATION_POLICY,
                                       "MeshTLSAuthentication", "NetworkAuthentication")}}
    assert mesh_reads(snapshot, [pod("plain", "other")]) == []


def test_ambient_namespace_counts_as_istio():
    snapshot = Snapshot(origin="live")
    snapshot.add({"kind": "Namespace", "metadata": {"name": "shop", "labels": {"istio.io/dataplane-mode": "ambient"}}})
    assert Query("AuthorizationPolicy", "shop") in mesh_reads(snapshot, [pod("api", "shop")])


def test_linkerd_policy_comes_back_with_its_real_kind_and_old_servers_are_read():
    linkerd_policy = {"apiVersion": "policy.linkerd.io/v1alpha1", "metadata": {"name": "p", "namespace": "emoji"}}
    old_server = {"apiVersion": "policy.linkerd.io/v1beta1", "kind": LINKERD_SERVER_V1BETA1,
                  "metadata": {"name": "s", "namespace": "emoji"}}
    cluster = FakeCluster({(LINKERD_AUTHORIZATION_POLICY, "emoji"): [{**linkerd_policy, "kind": LINKERD_AUTHORIZATION_POLICY}],
                           (LINKERD_SERVER_V1BETA1, "emoji"): [old_server]}, status={"Server": NOT_SERVED})
    found = run_queries(cluster, [Query(LINKERD_AUTHORIZATION_POLICY, "emoji"), Query("Server", "emoji")])
    assert sorted(o["kind"] for o in found) == ["AuthorizationPolicy", "Server"]
    assert (LINKERD_SERVER_V1BETA1, "emoji") in cluster.calls
    assert without_unserved(cluster.gaps) == []  # the CRD version not served is no gap


def test_forbidden_stays_a_gap():
    cluster = FakeCluster({}, status={"AuthorizationPolicy": FORBIDDEN})
    run_queries(cluster, [Query("AuthorizationPolicy", "shop")])
    assert [g.reason for g in without_unserved(cluster.gaps)] == [FORBIDDEN]


def test_authentications_named_in_other_namespaces_are_read_next():
    snapshot = Snapshot(origin="live")
    snapshot.add({"apiVersion": "policy.linkerd.io/v1alpha1", "kind": "AuthorizationPolicy",
                  "metadata": {"name": "p", "namespace": "emoji"},
                  "spec": {"requiredAuthenticationRefs": [
                      {"kind": "MeshTLSAuthentication", "name": "all", "namespace": "linkerd"},
                      {"kind": "NetworkAuthentication", "name": "here"},
                      {"kind": "ServiceAccount", "name": "web", "namespace": "other"}]}})
    assert reference_reads(snapshot) == [Query("MeshTLSAuthentication", "linkerd")]
