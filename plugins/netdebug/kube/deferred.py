"""Deferred modules: registered in sys.modules without running; their code runs the first time someone
asks them for a name they lack (`requests.Session`, `import requests` by other code...).

A name bound with `from module import name` while the module has not run is a stand-in that runs the
module when called; a few names are answered without running the module at all. kube/library.py says
which modules of the kubernetes client's stack are deferred, and why.
"""
import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types

STAND_INS: dict[str, tuple[str, ...]] = {}  # module -> names others bind with `from module import name`
ANSWERS: dict[tuple[str, str], object] = {}  # (module, name) -> the value, without running the module

_LOADING = threading.RLock()  # probe threads may reach the same deferred module at once
_RUNNING: set[str] = set()  # deferred modules whose code is running (in the thread holding _LOADING)


class DeferredModule(types.ModuleType):
    """A module whose code runs only when a name it lacks is requested."""

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if (self.__name__, attr) in ANSWERS:
            return ANSWERS[self.__name__, attr]
        if attr in STAND_INS.get(self.__name__, ()):
            return _StandIn(self, attr)
        if hasattr(self, "__path__") and importlib.util.find_spec(f"{self.__name__}.{attr}"):
            return importlib.import_module(f"{self.__name__}.{attr}")  # `from package import submodule`
        return getattr(run(self, attr), attr)


class _StandIn:
    """What `from module import name` binds while the module has not run: runs it when called."""

    def __init__(self, module: types.ModuleType, name: str):
        self._module, self._name = module, name

    def __call__(self, *args, **kwargs):
        return getattr(run(self._module, self._name), self._name)(*args, **kwargs)


def run(module: types.ModuleType, wanted: str) -> types.ModuleType:
    """Run the module's code once; other threads wait for it, its own imports see it partly initialised."""
    with _LOADING:
        if module.__name__ in _RUNNING:
            raise AttributeError(f"partially initialised module {module.__name__!r} has no {wanted!r} yet")
        if type(module) is DeferredModule:
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


def defer(name: str) -> None:
    """Register the module without running it (nothing happens when it is already imported)."""
    if name in sys.modules:
        return
    spec = _find_spec(name)
    if spec is None:  # the frozen bundle leaves out the generated API classes and models (krew/netdebug.spec)
        module = types.ModuleType(name)
        module.__path__ = []
    else:
        module = importlib.util.module_from_spec(spec)
        module.__class__ = DeferredModule
    sys.modules[name] = module
    attach(name)


def attach(name: str) -> None:
    """`import a.b` finds a.b in sys.modules but needs it as attribute b of a too."""
    parent, _, child = name.rpartition(".")
    if parent in sys.modules and child not in sys.modules[parent].__dict__:
        setattr(sys.modules[parent], child, sys.modules[name])
