"""The parts of the `kubernetes` client netdebug uses, imported without what most kubeconfigs never need.

`import kubernetes` (or any `kubernetes.X`) runs `kubernetes/__init__.py`, which imports every API
class and ~700 generated models: ~0.6 s here. netdebug needs only the kubeconfig loader, the
generic ApiClient and the exec websocket. Those modules in turn import, when they load, libraries
that only rare paths use: requests (a proxy in the kubeconfig), oauthlib and requests-oauthlib
(refreshing an expired OIDC token), dateutil (turning JSON into model objects, which we never do),
multiprocessing (a pool for async requests, and cpu_count()) and urllib3's HTTP/2 support (opt-in).

Each of those modules is registered as a *deferred* module: its real code runs the first time
someone asks it for a name it does not have yet (`requests.Session`, `import requests` by other
code...), and a name the client binds with `from module import name` is a stand-in that loads the
module when called. So a kubeconfig that needs OIDC refresh gets the real requests-oauthlib, a
token or client certificate never loads it, and other code in the process keeps working.
"""
import functools
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import threading
import types

from ..errors import ClusterError

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
_LOADING = threading.RLock()  # probe threads may reach the same deferred module at once
_RUNNING: set[str] = set()  # deferred modules whose code is running (in the thread holding _LOADING)


class _DeferredModule(types.ModuleType):
    """A module whose code runs only when a name it lacks is requested."""

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if (self.__name__, attr) in _ANSWERED:
            return _ANSWERED[self.__name__, attr]
        if attr in _DEFERRED.get(self.__name__, ()):
            return _StandIn(self, attr)
        if hasattr(self, "__path__") and importlib.util.find_spec(f"{self.__name__}.{attr}"):
            return importlib.import_module(f"{self.__name__}.{attr}")  # `from package import submodule`
        return getattr(_run(self, attr), attr)


class _StandIn:
    """What `from module import name` binds while the module has not run: runs it when called."""

    def __init__(self, module: types.ModuleType, name: str):
        self._module, self._name = module, name

    def __call__(self, *args, **kwargs):
        return getattr(_run(self._module, self._name), self._name)(*args, **kwargs)


def _run(module: types.ModuleType, wanted: str) -> types.ModuleType:
    """Run the module's code once; other threads wait for it, its own imports see it partly initialised."""
    with _LOADING:
        if module.__name__ in _RUNNING:
            raise AttributeError(f"partially initialised module {module.__name__!r} has no {wanted!r} yet")
        if type(module) is _DeferredModule:
            _RUNNING.add(module.__name__)
            try:
                module.__spec__.loader.exec_module(module)
                module.__class__ = types.ModuleType
            finally:
                _RUNNING.discard(module.__name__)
    return module


def _find_spec(name: str):
    """The module's spec without importing its parent package (importlib.util.find_spec would)."""
    parent, _, _ = name.rpartition(".")
    if not parent:
        return importlib.util.find_spec(name)
    if parent in sys.modules:
        return importlib.util.find_spec(name)
    parent_spec = _find_spec(parent)
    locations = parent_spec and parent_spec.submodule_search_locations
    return importlib.machinery.PathFinder.find_spec(name, locations) if locations else None


def _defer(name: str) -> None:
    if name in sys.modules:
        return
    spec = _find_spec(name)
    if spec is None:  # the frozen bundle leaves out the generated API classes and models (krew/netdebug.spec)
        module = types.ModuleType(name)
        module.__path__ = []
    else:
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _DeferredModule
    sys.modules[name] = module
    _attach(name)


def _attach(name: str) -> None:
    """`import a.b` finds a.b in sys.modules but needs it as attribute b of a too."""
    parent, _, child = name.rpartition(".")
    if parent in sys.modules and child not in sys.modules[parent].__dict__:
        setattr(sys.modules[parent], child, sys.modules[name])


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
    for name in _DEFERRED:
        _defer(name)
    configuration = importlib.import_module("kubernetes.client.configuration")
    api_client = importlib.import_module("kubernetes.client.api_client")
    client = sys.modules["kubernetes.client"]
    # kube_config does `from kubernetes.client import ApiClient, Configuration`: give it just those.
    if isinstance(client, _DeferredModule):
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
        _attach(name)
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


def load_everything(deferred: bool = True) -> _Pieces:
    """load() and the pieces it loads on first use (the frozen bundle's self-test); with `deferred`, also
    run the modules only rare kubeconfigs need (proxies, OIDC refresh, dateutil: decimal underneath)."""
    pieces = load()
    pieces.stream, pieces.websocket  # noqa: B018 - loading them is the point
    for name in _DEFERRED if deferred else ():  # the client's package __init__s stay unrun (their models are left out)
        module = sys.modules[name]
        if name.startswith("kubernetes"):
            continue
        if isinstance(module, _DeferredModule):
            _run(module, "(self-test)")
    return pieces
