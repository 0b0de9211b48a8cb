"""The parts of the `kubernetes` client netdebug uses, imported without its heavy package `__init__`s.

`import kubernetes` (or any `kubernetes.X`) runs `kubernetes/__init__.py`, which imports every API
class and ~700 generated models: ~0.6 s here. netdebug needs only the kubeconfig loader, the
generic ApiClient and the exec websocket: ~0.2 s (numbers in README, benchmarks/bench_startup.py).
The package modules are registered as empty shells that still run their real `__init__` the first
time someone asks for a name they do not have, so other code in the process keeps working.
"""
import importlib
import importlib.util
import sys
import types

from ..errors import ClusterError

_SHELLS = ("kubernetes", "kubernetes.client", "kubernetes.client.models", "kubernetes.client.api")


class _PackageShell(types.ModuleType):
    """A package whose `__init__` runs only when an attribute it lacks is requested."""

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if importlib.util.find_spec(f"{self.__name__}.{attr}"):  # `from package import submodule`
            return importlib.import_module(f"{self.__name__}.{attr}")
        self.__class__ = types.ModuleType  # run the real __init__ once, then behave normally
        self.__spec__.loader.exec_module(self)
        return getattr(self, attr)


def _register_shell(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:  # the frozen bundle leaves out the generated API classes and models (krew/netdebug.spec)
        module = types.ModuleType(name)
        module.__path__ = []
    else:
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _PackageShell
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def load() -> types.SimpleNamespace:
    """Import and return the client pieces: ApiClient, Configuration, ApiException, kube_config, stream."""
    if importlib.util.find_spec("kubernetes") is None:
        raise ClusterError("live mode needs the kubernetes Python client: pip install 'kubernetes>=30,<37' "
                           "(or read manifests offline with -f)")
    for name in _SHELLS:
        _register_shell(name)
    configuration = importlib.import_module("kubernetes.client.configuration")
    api_client = importlib.import_module("kubernetes.client.api_client")
    client = sys.modules["kubernetes.client"]
    # kube_config does `from kubernetes.client import ApiClient, Configuration`: give it just those.
    if isinstance(client, _PackageShell):
        client.__dict__.setdefault("ApiClient", api_client.ApiClient)
        client.__dict__.setdefault("Configuration", configuration.Configuration)
    return types.SimpleNamespace(
        ApiClient=api_client.ApiClient,
        Configuration=configuration.Configuration,
        ApiException=importlib.import_module("kubernetes.client.exceptions").ApiException,
        kube_config=importlib.import_module("kubernetes.config.kube_config"),
        incluster_config=importlib.import_module("kubernetes.config.incluster_config"),
        ConfigException=importlib.import_module("kubernetes.config.config_exception").ConfigException,
        stream=importlib.import_module("kubernetes.stream.stream").stream,
        urllib3=importlib.import_module("urllib3"),
        websocket=importlib.import_module("websocket"),
    )
