"""Which object a URL, host or address reaches from outside (diagnose/external.py): pure, on a snapshot."""
import pytest

from netdebug.diagnose.external import host_rank, route
from netdebug.diagnose.target import parse_destination
from netdebug.errors import InputError
from netdebug.model.snapshot import Snapshot


def service(name, kind="ClusterIP", lb=None, annotations=None, ports=None, ns="web"):
    found = {"kind": "Service", "apiVersion": "v1",
             "metadata": {"name": name, "namespace": ns, "annotations": annotations or {}},
             "spec": {"type": kind, "selector": {"app": name},
                      "ports": ports or [{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080}]}}
    if lb:
        found["status"] = {"loadBalancer": {"ingress": [lb]}}
    return found


def ingress(name, host, backend, path="/", path_type="Prefix", address="203.0.113.10"):
    return {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": name, "namespace": "web"},
            "spec": {"rules": [{"host": host, "http": {"paths": [{"path": path, "pathType": path_type, "backend": {
                "service": {"name": backend, "port": {"number": 80}}}}]}}]},
            "status": {"loadBalancer": {"ingress": [{"ip": address}]}}}


@pytest.fixture
def snapshot():
    snap = Snapshot(origin="live")
    node = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": "node-1"},
            "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}
    for obj in [node, service("web"), service("api"), service("static"),
                service("controller", "LoadBalancer", {"ip": "203.0.113.10"},
                        {"external-dns.alpha.kubernetes.io/hostname": "old.example.net, old.example.com"}),
                service("elb", "LoadBalancer", {"hostname": "a1b2.elb.example.com"},
                        {"external-dns.alpha.kubernetes.io/hostname": "shop.example.org, www.example.org"}),
                service("np", "NodePort", ports=[{"port": 80, "targetPort": 8080, "nodePort": 30099}]),
                ingress("web", "shop.example.com", "web"), ingress("api", "shop.example.com", "api", "/api"),
                ingress("wild", "*.example.com", "static"),
                ingress("exact", "shop.example.com", "static", "/exact", "Exact")]:
        snap.add(obj)
    return snap


def routed(snapshot, dst):
    found = route(snapshot, parse_destination(dst), "web")
    return found.via, found.service["metadata"]["name"], found.port


def test_rules_by_host_and_longest_path(snapshot):
    assert routed(snapshot, "http://shop.example.com/") == ("ingress", "web", 80)
    assert routed(snapshot, "http://shop.example.com/api/v1") == ("ingress", "api", 80)
    assert routed(snapshot, "http://shop.example.com/apiary") == ("ingress", "web", 80)  # prefix by path element
    assert routed(snapshot, "http://shop.example.com/exact") == ("ingress", "static", 80)
    assert routed(snapshot, "http://shop.example.com/exact/more") == ("ingress", "web", 80)


def test_wildcard_covers_exactly_one_label(snapshot):
    assert routed(snapshot, "http://blog.example.com/") == ("ingress", "static", 80)
    assert host_rank("*.example.com", "a.b.example.com") is None and host_rank("*.example.com", "example.com") is None


def test_published_names_and_load_balancer_hostnames(snapshot):
    assert routed(snapshot, "http://www.example.org/") == ("service", "elb", 80)
    assert routed(snapshot, "http://a1b2.elb.example.com/") == ("service", "elb", 80)
    assert routed(snapshot, "http://old.example.com/")[:2] == ("ingress", "static")  # the controller's wildcard
    no_rule = route(snapshot, parse_destination("http://old.example.net/"), "web")
    assert no_rule.no_rule and no_rule.service["metadata"]["name"] == "controller"


def test_addresses_load_balancer_and_node_port(snapshot):
    assert routed(snapshot, "http://172.18.0.2:30099/") == ("service", "np", 80)
    by_address = route(snapshot, parse_destination("203.0.113.10:80"), "web")
    assert by_address.service["metadata"]["name"] == "controller" and by_address.no_rule  # Host: the address


def test_default_backend_and_missing_backend(snapshot):
    fallback = ingress("fallback", "unused.example.net", "static")
    fallback["spec"]["defaultBackend"] = {"service": {"name": "web", "port": {"number": 80}}}
    fallback["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] = "gone"
    snapshot.add(fallback)
    assert routed(snapshot, "http://anything.example.net/") == ("ingress", "web", 80)  # spec.defaultBackend
    missing = route(snapshot, parse_destination("http://unused.example.net/"), "web")
    assert missing.service is None and missing.backend == "web/gone"


def test_nothing_serves_it(snapshot):
    with pytest.raises(InputError, match="nothing in the cluster serves that host"):
        route(snapshot, parse_destination("http://nowhere.example.net/"), "web")
