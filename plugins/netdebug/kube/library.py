"""The parts of the `kubernetes` client netdebug uses, imported without what most kubeconfigs never need.

`import kubernetes` (or any `kubernetes.X`) runs `kubernetes/__init__.py`, which imports every API
class and ~700 generated models: ~0.6 s here. netdebug needs only the kubeconfig loader, the
generic ApiClient and the exec websocket. Those modules in turn import, when they load, libraries
that only rare paths use: requests (a proxy in the kubeconfig), oauthlib and requests-oauthlib
(refreshing an expired OIDC token), dateutil (turning JSON into model objects, which we never do),
multiprocessing (a pool for async requests, and cpu_count()) and urllib3's HTTP/2 support (opt-in).

Each of those modules is registered as a *deferred* module (kube/deferred.py): its code runs the
first time someone asks it for a name. So a kubeconfig that needs OIDC refresh gets the real
requests-oauthlib, a token or client certificate never loads it, and other code in the process keeps
working.
"""
import functools
import importlib
import importlib.util
import os
import sys
import types

from ..errors import ClusterError
from . import deferred

# module -> the names the client modules import from it with `from module import name`.
# Parents come before their submodules.
_DEFERRED = {
    "kubernetes": (), "kubernetes.client": (), "kubernetes.client.models": (), "kubernetes.client.api": (),
    "requests": (), "requests.utils": ("should_bypass_proxies",),
    "oauthlib": (), "oauthlib.oauth2": (), "requests_oauthlib": ("OAuth2Session",),
    "dateutil": (), "dateutil.parser": ("parse",),
    "multiprocessing": (), "multiprocessing.pool": ("ThreadPool",),
    "urllib3.http2": (),
}


def _cpu_count() -> int:
    count = os.cpu_count()
    if count is None:
        raise NotImplementedError("cannot determine number of cpus")
    return count


# Names answered without running the module. The client calls multiprocessing.cpu_count() once per
# Configuration, to size its connection pool; that function is os.cpu_count() (NotImplementedError
# when unknown), while importing multiprocessing costs pickle, socket and its contexts (~65 M
# instructions, 8% of a live check).
_ANSWERED = {("multiprocessing", "cpu_count"): _cpu_count}


class _Pieces(types.SimpleNamespace):
    """The client pieces netdebug uses; the exec websocket loads on first use (probes only)."""

    @functools.cached_property
    def stream(self):
        return importlib.import_module("kubernetes.stream.stream").stream

    @functools.cached_property
    def websocket(self):
        return importlib.import_module("websocket")


@functools.cache
def load() -> _Pieces:
    """Import and return the client pieces: ApiClient, Configuration, ApiException, kube_config, stream..."""
    if importlib.util.find_spec("kubernetes") is None:
        raise ClusterError("live mode needs the kubernetes Python client: pip install 'kubernetes>=30,<37' "
                           "(or read manifests offline with -f)")
    deferred.STAND_INS.update(_DEFERRED)
    deferred.ANSWERS.update(_ANSWERED)
    for name in _DEFERRED:
        deferred.defer(name)
    configuration = importlib.import_module("kubernetes.client.configuration")
    api_client = importlib.import_module("kubernetes.client.api_client")
    client = sys.modules["kubernetes.client"]
    # kube_config does `from kubernetes.client import ApiClient, Configuration`: give it just those.
    if isinstance(client, deferred.DeferredModule):
        client.__dict__.setdefault("ApiClient", api_client.ApiClient)
        client.__dict__.setdefault("Configuration", configuration.Configuration)
    pieces = _Pieces(
        ApiClient=api_client.ApiClient,
        Configuration=configuration.Configuration,
        ApiException=importlib.import_module("kubernetes.client.exceptions").ApiException,
        kube_config=importlib.import_module("kubernetes.config.kube_config"),
        incluster_config=importlib.import_module("kubernetes.config.incluster_config"),
        ConfigException=importlib.import_module("kubernetes.config.config_exception").ConfigException,
        urllib3=importlib.import_module("urllib3"),
    )
    for name in _DEFERRED:  # deferred before their parent package was imported (urllib3.http2)
        deferred.attach(name)
    _parse_with_libyaml(pieces.kube_config)
    return pieces


class _LibyamlParsing(types.ModuleType):
    """PyYAML as the kubeconfig loader sees it, except that safe_load uses libyaml's parser."""

    def __init__(self, yaml):
        super().__init__(yaml.__name__)
        self._yaml = yaml

    def __getattr__(self, name):
        return getattr(self._yaml, name)

    def safe_load(self, stream):
        return self._yaml.load(stream, Loader=self._yaml.CSafeLoader)


def _parse_with_libyaml(kube_config: types.ModuleType) -> None:
    """The loader reads kubeconfigs with yaml.safe_load, PyYAML's pure-Python parser (~1 ms per KB):
    libyaml gives the same objects ~10x faster, which matters for kubeconfigs with many contexts."""
    yaml = getattr(kube_config, "yaml", None)
    if getattr(yaml, "__with_libyaml__", False) and not isinstance(yaml, _LibyamlParsing):
        kube_config.yaml = _LibyamlParsing(yaml)


def load_everything(rare: bool = True) -> _Pieces:
    """load() and the pieces it loads on first use (the frozen bundle's self-test); with `rare`, also
    run the deferred modules only rare kubeconfigs need (proxies, OIDC refresh, dateutil: decimal underneath)."""
    pieces = load()
    pieces.stream, pieces.websocket  # noqa: B018 - loading them is the point
    for name in _DEFERRED if rare else ():  # the client's package __init__s stay unrun (their models are left out)
        module = sys.modules[name]
        if name.startswith("kubernetes"):
            continue
        if isinstance(module, deferred.DeferredModule):
            deferred.run(module, "(self-test)")
    return pieces
