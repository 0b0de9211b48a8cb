"""Parsing SRC and DST: every form the issue lists, and one clear error for bad input."""
import pytest

from netdebug.diagnose.target import parse_destination, parse_source
from netdebug.errors import InputError


@pytest.mark.parametrize("text,form,name,namespace,port,path", [
    ("svc/web", "service", "web", None, None, None),
    ("svc/web:8080", "service", "web", None, 8080, None),
    ("service/web:http", "service", "web", None, "http", None),
    ("shop/svc/web:80", "service", "web", "shop", 80, None),
    ("web", "dns", "web", None, None, None),
    ("web.shop:80", "dns", "web.shop", None, 80, None),
    ("web.shop.svc.cluster.local.", "dns", "web.shop.svc.cluster.local", None, None, None),
    ("example.com:443", "dns", "example.com", None, 443, None),
    ("10.1.2.3", "ip", "10.1.2.3", None, None, None),
    ("10.1.2.3:8080", "ip", "10.1.2.3", None, 8080, None),
    ("[fd00::1]:80", "ip", "fd00::1", None, 80, None),
    ("fd00::1", "ip", "fd00::1", None, None, None),
    ("http://web.shop:8080/healthz?x=1", "dns", "web.shop", None, 8080, "/healthz?x=1"),
    ("https://shop.example.com", "dns", "shop.example.com", None, 443, "/"),
    ("http://10.0.0.1/", "ip", "10.0.0.1", None, 80, "/"),
    ("shop/web-1", "workload", "shop/web-1", None, None, None),
    ("deploy/web", "workload", "deploy/web", None, None, None),
    ("shop/sts/db", "workload", "shop/sts/db", None, None, None),
])
def test_destination_forms(text, form, name, namespace, port, path):
    target = parse_destination(text)
    assert (target.form, target.name, target.namespace, target.port, target.path) == (form, name, namespace, port, path)


def test_bare_name_may_be_a_pod_but_dotted_name_is_not():
    assert parse_destination("web").maybe_pod
    assert parse_destination("web:80").maybe_pod
    assert not parse_destination("web.shop").maybe_pod


def test_sources():
    assert parse_source("external").form == "external"
    assert parse_source("EXTERNAL").form == "external"
    assert parse_source("shop/deploy/web").name == "shop/deploy/web"


@pytest.mark.parametrize("text,message", [
    ("", "DST is empty"),
    ("ftp://host/x", "only http:// and https://"),
    ("http://host:99999/", "invalid URL"),
    ("svc/", "expected svc/name"),
    ("bad_name!", "not a valid DNS name"),
    ("10.0.0.1:0", "must be 1-65535"),
    ("svc/backend:²", "not a port number"),
    ("svc/backend:70000", "must be 1-65535"),
    ("web:٣", "not a port number"),
    ("web:" + "9" * 5000, "must be 1-65535"),
    ("svc/web:a--b", "not a port number"),
    ("web:", "empty name or port"),
])
def test_bad_destinations(text, message):
    with pytest.raises(InputError, match=message):
        parse_destination(text)


@pytest.mark.parametrize("text", ["10.0.0.1", "http://x/", "web:80"])
def test_bad_sources(text):
    with pytest.raises(InputError, match="SRC"):
        parse_source(text)
