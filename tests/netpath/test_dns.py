"""What the cluster DNS would answer, from the pod's resolv.conf and the Services in a snapshot."""
from netdebug.diagnose import dns
from netdebug.model.snapshot import Snapshot


def service(name, ns, **spec):
    return {"kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def pod(name="client", ns="shop", ip="10.244.1.5", **spec):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"containers": [{"name": "c"}], **spec},
            "status": {"phase": "Running", "podIP": ip, "conditions": [{"type": "Ready", "status": "True"}]}}


def snapshot(*objs):
    snap = Snapshot(origin="live")
    for obj in objs:
        snap.add(obj)
    return snap


def test_resolver_defaults_and_dns_config():
    default = dns.resolver_config(pod(), "shop")
    assert default.search == ("shop.svc.cluster.local", "svc.cluster.local", "cluster.local") and default.ndots == 5
    tuned = dns.resolver_config(pod(dnsConfig={"options": [{"name": "ndots", "value": "2"}], "searches": ["corp.example"]}), "shop")
    assert tuned.ndots == 2 and tuned.search[-1] == "corp.example"
    host = dns.resolver_config(pod(hostNetwork=True), "shop")
    assert host.policy == "Default" and not host.cluster_dns
    assert dns.resolver_config(pod(hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet"), "shop").cluster_dns


def test_query_order_follows_ndots():
    resolver = dns.resolver_config(pod(), "shop")
    assert dns.query_order("web", resolver)[0] == "web.shop.svc.cluster.local"
    assert dns.query_order("a.b.c.d.e.f", resolver)[0] == "a.b.c.d.e.f"
    assert dns.query_order("web.shop.svc.cluster.local.", resolver) == ["web.shop.svc.cluster.local"]


def test_clusterip_service_short_and_namespaced():
    snap = snapshot(service("web", "shop", clusterIP="10.96.0.20"), service("api", "data", clusterIP="10.96.0.30"))
    short = dns.answer(snap, "web", pod(), "shop")
    assert (short.kind, short.addresses, short.fqdn) == ("service", ["10.96.0.20"], "web.shop.svc.cluster.local")
    other = dns.answer(snap, "api.data", pod(), "shop")
    assert other.kind == "service" and other.queries == ["api.data.shop.svc.cluster.local", "api.data.svc.cluster.local"]


def test_short_name_in_other_namespace_gets_the_fix():
    snap = snapshot(service("api", "data", clusterIP="10.96.0.30"))
    result = dns.answer(snap, "api", pod(), "shop")
    assert result.kind == "nxdomain" and result.other_namespaces == ["data"]
    [finding] = dns.findings_for(result, "Pod shop/client")
    assert finding.code == "dns-short-name-other-namespace" and "api.data" in finding.fix


def test_headless_answers_ready_pod_ips_and_externalname_a_cname():
    backend = pod("db-0", ip="10.244.2.7")
    not_ready = pod("db-1", ip="10.244.2.8")
    not_ready["status"]["conditions"][0]["status"] = "False"
    for p in (backend, not_ready):
        p["metadata"]["labels"] = {"app": "db"}
    snap = snapshot(service("db", "shop", clusterIP="None", selector={"app": "db"}), backend, not_ready,
                    service("ext", "shop", type="ExternalName", externalName="db.example.com"))
    snap.origin = "files"  # no EndpointSlices: the answer follows the selected pods' readiness
    assert dns.answer(snap, "db", pod(), "shop").addresses == ["10.244.2.7"]
    ext = dns.answer(snap, "ext", pod(), "shop")
    assert (ext.kind, ext.cname) == ("externalname", "db.example.com")


def test_headless_answers_from_endpointslices_when_live():
    slice_ = {"kind": "EndpointSlice", "metadata": {"name": "db-x", "namespace": "shop",
                                                    "labels": {"kubernetes.io/service-name": "db"}},
              "endpoints": [{"addresses": ["10.244.2.7"], "conditions": {"ready": True}},
                            {"addresses": ["10.244.2.8"], "conditions": {"ready": False}}]}
    snap = snapshot(service("db", "shop", clusterIP="None"), slice_)
    assert dns.answer(snap, "db", pod(), "shop").addresses == ["10.244.2.7"]
    empty = dns.answer(snapshot(service("db", "shop", clusterIP="None")), "db", pod(), "shop")
    assert [f.code for f in dns.findings_for(empty, "x")] == ["dns-no-addresses"]


def test_statefulset_pod_hostname_record():
    member = pod("db-0", ip="10.244.2.7", hostname="db-0", subdomain="db")
    snap = snapshot(service("db", "shop", clusterIP="None"), member)
    result = dns.answer(snap, "db-0.db", pod(), "shop")
    assert (result.kind, result.addresses) == ("pod", ["10.244.2.7"])


def test_outside_name_costs_search_queries_and_no_cluster_dns_policy():
    result = dns.answer(snapshot(), "example.com", pod(), "shop")
    assert result.kind == "outside" and len(result.queries) == 4
    assert [f.code for f in dns.findings_for(result, "x")] == ["dns-ndots-cost"]
    assert dns.findings_for(dns.answer(snapshot(), "example.com.", pod(), "shop"), "x") == []
    blind = dns.answer(snapshot(service("web", "shop", clusterIP="10.96.0.20")), "web", pod(dnsPolicy="Default"), "shop")
    assert blind.kind == "no-cluster-dns"
    assert [f.code for f in dns.findings_for(blind, "x")] == ["dns-policy-no-cluster-dns"]
