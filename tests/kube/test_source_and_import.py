"""Choosing the source container, and the fast kubernetes import staying compatible with the full one."""
import subprocess
import sys

import pytest

from netdebug.errors import NotFoundError
from netdebug.probe.source import choose_container


def pod(*names, default=None, ephemeral=()):
    meta = {"name": "p", "namespace": "ns"}
    if default:
        meta["annotations"] = {"kubectl.kubernetes.io/default-container": default}
    return {"metadata": meta, "spec": {"containers": [{"name": n} for n in names],
                                       "ephemeralContainers": [{"name": n} for n in ephemeral]}}


def test_choose_container():
    assert choose_container(pod("istio-proxy", "app")) == "app"
    assert choose_container(pod("app", "sidecar", default="sidecar")) == "sidecar"
    assert choose_container(pod("linkerd-proxy")) == "linkerd-proxy"
    assert choose_container(pod("app", ephemeral=("netdebug-1",)), "netdebug-1") == "netdebug-1"
    with pytest.raises(NotFoundError, match=r"container 'db' not found in pod ns/p \(containers: app, web\)"):
        choose_container(pod("app", "web"), "db")


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_fast_import_skips_generated_models_but_full_client_still_works():
    out = run_python(
        "import sys\n"
        "from netdebug.kube import library\n"
        "lib = library.load()\n"
        "print(sum(m.startswith('kubernetes.client.models.') for m in sys.modules))\n"
        "from kubernetes import client, config, watch\n"
        "from kubernetes.client import CoreV1Api, V1Pod\n"
        "from kubernetes.client.models import V1Service\n"
        "assert client.ApiClient is lib.ApiClient and config.load_kube_config\n"
        "print(sum(m.startswith('kubernetes.client.models.') for m in sys.modules) > 500)\n")
    assert out.split() == ["0", "True"]


def test_fast_import_after_a_full_import_reuses_it():
    run_python("import kubernetes\nfrom netdebug.kube import library\n"
               "assert library.load().ApiClient is kubernetes.client.ApiClient\n")


def test_deferred_libraries_load_once_when_first_used_from_many_threads():
    out = run_python(
        "import sys, threading\n"
        "from netdebug.kube import library\n"
        "library.load()\n"
        "from kubernetes.client import api_client\n"
        "print(type(sys.modules['dateutil.parser']).__name__)\n"
        "years = []\n"
        "threads = [threading.Thread(target=lambda: years.append(api_client.parse('2024-05-06T07:08:09Z').year))\n"
        "           for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(years == [2024] * 8, type(sys.modules['dateutil.parser']).__name__)\n"
        "import requests\n"
        "print(requests.Session.__name__)\n")
    assert out.split() == ["DeferredModule", "True", "module", "Session"]


def test_the_client_reads_kubeconfigs_with_libyaml_into_the_same_objects():
    """The kubeconfig loader's yaml.safe_load is libyaml's parser (when PyYAML has it), same objects."""
    yaml = pytest.importorskip("yaml")
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml: the client keeps the pure-Python parser")
    from netdebug.kube import library

    text = ("clusters:\n- name: a\n  cluster: {server: 'https://h:6443', insecure-skip-tls-verify: yes}\n"
            "users:\n- name: u\n  user: {token: 0123, exp: 2026-01-01, list: [on, off, ~, 1.5e3, 0x1f]}\n")
    loader_yaml = library.load().kube_config.yaml
    assert loader_yaml.safe_load(text) == yaml.safe_load(text)
    assert loader_yaml.safe_dump is yaml.safe_dump  # everything else is PyYAML's own
    parsed_by = []
    original, yaml.CSafeLoader = yaml.CSafeLoader, type("Spy", (yaml.CSafeLoader,), {
        "__init__": lambda self, stream: (parsed_by.append("libyaml"), original.__init__(self, stream))[1]})
    try:
        loader_yaml.safe_load(text)
    finally:
        yaml.CSafeLoader = original
    assert parsed_by == ["libyaml"]
