"""kube/ against the simulated cluster over real HTTPS: lists, paging, gaps, get, logs, exec, ephemeral."""
import pytest

from netdebug.cli.options import ClusterOptions
from netdebug.errors import ClusterError
from netdebug.kube.client import Cluster, connect
from netdebug.kube.config import load_config
from netdebug.kube.fetch import fetch_snapshot

SCENARIO = "tests/kube/scenarios/probes"
pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", [SCENARIO], indirect=True)]


def options(sim, **kw):
    return ClusterOptions(kubeconfig=sim.kubeconfig, **kw)


def test_fetch_snapshot_scopes_and_decodes_plain_json(sim_cluster):
    snap = fetch_snapshot(options(sim_cluster, namespace="lab"), ("Pod", "Service", "NetworkPolicy"))
    assert snap.origin == "live" and not snap.gaps
    assert sorted(p["metadata"]["name"] for p in snap.of("Pod")) == ["client", "server"]
    assert all(type(p) is dict and p["kind"] == "Pod" and p["apiVersion"] == "v1" for p in snap.of("Pod"))
    assert snap.of("NetworkPolicy")[0]["apiVersion"] == "networking.k8s.io/v1"
    # policies need every namespace's labels, so Namespaces come along, whole
    assert {"lab", "kube-system", "default"} <= {n["metadata"]["name"] for n in snap.of("Namespace")}
    assert snap.namespace_labels("lab")["purpose"] == "probes"
    everywhere = fetch_snapshot(options(sim_cluster, all_namespaces=True, selector="app=web"), ("Pod",))
    assert [p["metadata"]["name"] for p in everywhere.of("Pod")] == ["server"]


def test_context_namespace_is_the_default_scope(sim_cluster):
    cluster = connect(options(sim_cluster))
    assert (cluster.namespace, cluster.context) == ("default", "sim")
    assert fetch_snapshot(options(sim_cluster), ("Pod",), cluster=cluster).of("Pod") == []


def test_pagination_follows_continue_tokens(sim_cluster):
    cluster = Cluster(load_config(options(sim_cluster)), page_size=2)
    names = [p["metadata"]["name"] for p in cluster.list("Pod")]
    assert len(names) == len(set(names)) >= 3
    pages = -(-len(names) // 2)
    assert cluster.api_calls in (pages, pages + 1)  # a server may answer a full last page with a token
    assert sorted(names) == sorted(p["metadata"]["name"] for p in connect(options(sim_cluster)).list("Pod"))


def test_forbidden_list_is_a_gap_not_a_crash(sim_cluster):
    snap = fetch_snapshot(options(sim_cluster, context="sim-limited", namespace="lab"), ("Pod", "NetworkPolicy"))
    assert len(snap.of("Pod")) == 2 and snap.of("NetworkPolicy") == []
    [gap] = snap.gaps
    assert (gap.kind, gap.namespace) == ("NetworkPolicy", "lab")
    assert (gap.reason, gap.verb, gap.resource) == ("forbidden", "list", "networkpolicies")
    assert gap.sentence == "could not list networkpolicies in namespace lab: forbidden"
    assert gap.detail.startswith('networkpolicies.networking.k8s.io is forbidden: User "limited"')


def test_missing_kind_and_object(sim_cluster):
    cluster = connect(options(sim_cluster))
    assert cluster.get("Pod", "lab", "nope") is None and not cluster.gaps
    assert cluster.get("Pod", "lab", "client")["kind"] == "Pod"
    assert cluster.list("AdminNetworkPolicy") == []  # the CRD is not installed in this scenario, as on most clusters
    assert cluster.list("ReplicationController") == []  # the simulator does not serve this kind
    admin, legacy = cluster.gaps
    assert admin.sentence == "could not list adminnetworkpolicies: not served"
    assert legacy.kind == "ReplicationController" and legacy.sentence == "could not list replicationcontrollers: not served"


def test_logs(sim_cluster):
    cluster = connect(options(sim_cluster))
    assert "connection refused" in cluster.logs("lab", "client", "app", tail_lines=5)
    assert cluster.logs("lab", "nope", "app") == "" and cluster.gaps[-1].kind == "PodLog"


def test_exec_exit_codes_streams_and_failures(sim_cluster):
    cluster = connect(options(sim_cluster))
    done = cluster.exec("lab", "client", "app", ["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (done.stdout, done.stderr, done.returncode, done.error) == ("out\n", "err\n", 3, None)
    assert cluster.exec("lab", "client", "app", ["true"]).ok
    assert cluster.exec("lab", "client", "app", ["cat"], stdin=b"echoed").stdout == "echoed"
    missing = cluster.exec("lab", "client", "app", ["no-such-binary"])
    assert missing.returncode is None and "executable file not found" in missing.error
    stopped = cluster.exec("lab", "client", "broken", ["true"])
    assert stopped.returncode is None and "not created or running" in stopped.error
    slow = cluster.exec("lab", "client", "app", ["sleep", "5"], timeout=0.5)
    assert slow.timed_out and slow.returncode is None and slow.elapsed_ms < 2000
    forbidden = connect(options(sim_cluster, context="sim-limited")).exec("lab", "client", "app", ["true"])
    assert forbidden.error.startswith("exec forbidden (403)") and not forbidden.started


def test_ephemeral_container_is_added_and_runs(sim_cluster):
    cluster = connect(options(sim_cluster))
    name = cluster.add_ephemeral_container("lab", "server", "busybox:1.36", target_container="web")
    pod = cluster.get("Pod", "lab", "server")
    assert name in [c["name"] for c in pod["spec"]["ephemeralContainers"]]
    assert cluster.exec("lab", "server", name, ["true"]).ok
    with pytest.raises(ClusterError, match="forbidden to add an ephemeral container to lab/server"):
        connect(options(sim_cluster, context="sim-limited")).add_ephemeral_container("lab", "server", "busybox")


def test_exec_credential_plugin_authenticates_real_requests(sim_cluster, tmp_path):
    import yaml

    from tests.kube.test_config import exec_plugin

    config = yaml.safe_load(open(sim_cluster.kubeconfig))
    admin_token = sim_cluster.server.tokens["admin"]
    plugin = exec_plugin(tmp_path, admin_token[:-2])
    plugin["exec"]["args"] = [admin_token[-2:]]  # the helper appends its first argument
    config["users"] = [{"name": "admin", "user": plugin}]
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    assert len(connect(ClusterOptions(kubeconfig=str(path), namespace="lab")).list("Pod", "lab")) == 2


def test_api_failures_are_one_line_cluster_errors(sim_cluster, tmp_path):
    import yaml

    config = yaml.safe_load(open(sim_cluster.kubeconfig))
    config["users"][0]["user"]["token"] = "wrong"
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ClusterError, match=r"rejected the credentials of context sim \(401 Unauthorized\)"):
        connect(ClusterOptions(kubeconfig=str(path))).list("Pod")
    untrusted = yaml.safe_load(open(sim_cluster.kubeconfig))
    del untrusted["clusters"][0]["cluster"]["certificate-authority-data"]
    path.write_text(yaml.safe_dump(untrusted))
    with pytest.raises(ClusterError, match=r"TLS handshake failed: certificate verify failed"):
        connect(ClusterOptions(kubeconfig=str(path))).list("Pod")
    untrusted["clusters"][0]["cluster"]["server"] = "https://nosuch.invalid:6443"
    path.write_text(yaml.safe_dump(untrusted))
    with pytest.raises(ClusterError, match=r"https://nosuch.invalid:6443 \(context sim\) to list pods: "
                                           r"(name or service not known|temporary failure in name resolution)"):
        connect(ClusterOptions(kubeconfig=str(path))).list("Pod")
    untrusted["clusters"][0]["cluster"]["server"] = "https://admin:s3cr3t@nosuch.invalid:6443"
    path.write_text(yaml.safe_dump(untrusted))
    with pytest.raises(ClusterError) as raised:
        connect(ClusterOptions(kubeconfig=str(path))).list("Pod", "lab")
    assert "s3cr3t" not in str(raised.value) and "https://REDACTED@nosuch.invalid:6443" in str(raised.value)
    server = sim_cluster.server
    try:
        server.set_faults([{"verb": "list", "resource": "services", "action": "error"},
                           {"verb": "list", "resource": "pods", "action": "delay", "seconds": 2},
                           *sim_cluster.scenario.faults])
        with pytest.raises(ClusterError, match=r"could not list services in namespace lab: 500 "):
            connect(options(sim_cluster)).list("Service", "lab")
        with pytest.raises(ClusterError, match=r"cannot reach the API server .*: timed out"):
            connect(options(sim_cluster, request_timeout=0.5)).list("Pod", "lab")
    finally:
        server.set_faults(sim_cluster.scenario.faults)
