"""Load a scenario: plain Kubernetes YAML plus `sim.netdebug.io/*` annotations.

A scenario is the same set of files `kubectl-netpolicy -f DIR` reads offline. Behaviour that YAML
cannot express comes from annotations (documented in tests/sim/README.md) and from one optional
ConfigMap labelled `sim.netdebug.io/scenario: "true"` (API faults). Objects the real API server or
client would reject fail here, naming the file and the object.
"""
import os
from dataclasses import dataclass, field

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster on big scenarios

from .validate import problems

PREFIX = "sim.netdebug.io/"
SCENARIO_LABEL = PREFIX + "scenario"
SUFFIXES = (".yaml", ".yml", ".json")
ADMIN_POLICY_GROUP = "policy.networking.k8s.io"
SETTING_VALUES = {"networkPolicy": ("ignore", "enforce"), "adminNetworkPolicyAPI": ("auto", "served", "absent"),
                  "shapes": ("simulator", "real-cluster")}


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file and the object."""


@dataclass
class Scenario:
    path: str
    objects: list[dict] = field(default_factory=list)
    faults: list[dict] = field(default_factory=list)
    enforce_policies: bool = False  # settings ConfigMap `networkPolicy: enforce`
    admin_policy_api: str = "auto"  # `adminNetworkPolicyAPI`: served, absent, auto (served when used)
    real_shapes: bool = False  # `shapes: real-cluster`: leave empty what real clusters often leave empty

    @property
    def hidden_groups(self) -> set[str]:
        """API groups the server answers 404 for: the admin-policy CRDs unless installed (used, or said so)."""
        used = any(obj.get("apiVersion", "").startswith(ADMIN_POLICY_GROUP + "/") for obj in self.objects)
        served = self.admin_policy_api == "served" or (self.admin_policy_api == "auto" and used)
        return set() if served else {ADMIN_POLICY_GROUP}


def load(path: str | list[str], served: set[str] | None = None) -> Scenario:
    """One scenario from a directory or file, or from several (later ones add to earlier ones).

    `served`: the kinds the API server can hold; any other kind is an error. An object found
    identically in several files (each example brings its own Nodes and cluster DNS) is taken once;
    two different objects of the same kind, namespace and name are an error.
    """
    paths = [path] if isinstance(path, str) else list(path)
    scenario, seen = Scenario(path=" + ".join(paths)), {}
    for file in (f for p in paths for f in _files(p)):
        for obj in _documents(file):
            _check(obj, file)
            if served is not None and obj["kind"] not in served:
                raise ScenarioError(f"{file}: {describe(obj)}: kind {obj['kind']} is not served by the simulated cluster")
            if _is_settings(obj):
                _settings(scenario, obj, file)
            elif _is_new(obj, file, seen):
                scenario.objects.append(obj)
    if not scenario.objects:
        raise ScenarioError(f"{scenario.path}: no Kubernetes objects found")
    return scenario


def _files(path: str) -> list[str]:
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise ScenarioError(f"{path}: no such file or directory")
    found = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        found += [os.path.join(root, f) for f in sorted(files) if f.endswith(SUFFIXES)]
    return found


def _documents(file: str) -> list[dict]:
    try:
        with open(file, encoding="utf-8") as stream:
            docs = list(yaml.load_all(stream, Loader=SAFE_LOADER))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        raise ScenarioError(f"{where}: invalid YAML: {getattr(err, 'problem', None) or err}") from None
    found = []
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise ScenarioError(f"{file}: document {index + 1} is not a Kubernetes object")
        found += doc.get("items") or [] if str(doc.get("kind", "")).endswith("List") else [doc]
    return found


def _check(obj: dict, file: str) -> None:
    found = problems(obj)
    if found:
        raise ScenarioError(f"{file}: {describe(obj)}: {found[0]}")


def _is_new(obj: dict, file: str, seen: dict) -> bool:
    """False for a repeat of an identical object; a different object under a taken name fails."""
    meta = obj.get("metadata") or {}
    key = (obj.get("kind"), meta.get("namespace"), meta.get("name"))
    if key not in seen:
        seen[key] = (obj, file)
        return True
    first, first_file = seen[key]
    if first != obj:
        raise ScenarioError(f"{file}: {describe(obj)} differs from the one in {first_file} "
                            f"(the same object in several files must be identical)")
    return False


def describe(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    name = meta.get("name") or "<no name>"
    return f"{obj.get('kind') or '<no kind>'} {ns + '/' if ns else ''}{name}"


def _is_settings(obj: dict) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return obj.get("kind") == "ConfigMap" and labels.get(SCENARIO_LABEL) == "true"


def _settings(scenario: Scenario, obj: dict, file: str) -> None:
    scenario.faults += _faults(obj, file)
    data = obj.get("data") or {}
    for key, allowed in SETTING_VALUES.items():
        if key in data and data[key] not in allowed:
            raise ScenarioError(f"{file}: {describe(obj)}: data.{key} must be {' or '.join(allowed)}, not {data[key]!r}")
    scenario.enforce_policies = scenario.enforce_policies or data.get("networkPolicy") == "enforce"
    scenario.admin_policy_api = data.get("adminNetworkPolicyAPI", scenario.admin_policy_api)
    scenario.real_shapes = scenario.real_shapes or data.get("shapes") == "real-cluster"


def _faults(obj: dict, file: str) -> list[dict]:
    text = (obj.get("data") or {}).get("faults")
    if not text:
        return []
    try:
        faults = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ScenarioError(f"{file}: {describe(obj)}: data.faults is not YAML: {err}") from None
    if not isinstance(faults, list) or not all(isinstance(f, dict) and "action" in f for f in faults):
        raise ScenarioError(f"{file}: {describe(obj)}: data.faults must be a list of mappings with an action")
    return faults


def annotation(obj: dict, key: str, container: str | None = None) -> str | None:
    """`sim.netdebug.io/<key>.<container>` if set, else the pod-wide `sim.netdebug.io/<key>`."""
    notes = (obj.get("metadata") or {}).get("annotations") or {}
    if container is not None and f"{PREFIX}{key}.{container}" in notes:
        return notes[f"{PREFIX}{key}.{container}"]
    return notes.get(PREFIX + key)


def csv(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]
