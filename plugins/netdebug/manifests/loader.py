"""Offline mode: read YAML/JSON manifests from files and directories into a Snapshot."""
import os

import yaml

from ..errors import InputError
from ..model import objects
from ..model.snapshot import CLUSTER_SCOPED, KNOWN_KINDS, WORKLOAD_KINDS, Snapshot
from ..model.selectors import matches
from .yaml_loader import ManifestLoader

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SYNTHESIZED = "netdebug.io/synthesized-from"


def load(paths: list[str], default_namespace: str = "default") -> Snapshot:
    snapshot = Snapshot(origin="files")
    for path in paths:
        for file in _manifest_files(path):
            for doc in _documents(file):
                _add_object(snapshot, doc, file, default_namespace)
    _add_pods_for_workloads(snapshot)
    _complete_namespaces(snapshot)
    return snapshot


def _manifest_files(path: str) -> list[str]:
    if os.path.isdir(path):
        found = []
        for root, dirs, files in os.walk(path):
            dirs.sort()
            found += [os.path.join(root, f) for f in sorted(files) if f.endswith(MANIFEST_SUFFIXES)]
        return found
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file or directory")
    return [path]


def _documents(file: str) -> list[dict]:
    try:
        with open(file, encoding="utf-8") as stream:
            docs = list(yaml.load_all(stream, Loader=ManifestLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        raise InputError(f"{where}: invalid YAML: {getattr(err, 'problem', None) or err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{file}: cannot read: {err}") from None
    found = []
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise InputError(f"{file}: document {index + 1} is not a Kubernetes object")
        found += doc.get("items") or [] if doc.get("kind", "").endswith("List") else [doc]
    return found


def _add_object(snapshot: Snapshot, obj: dict, file: str, default_namespace: str) -> None:
    kind = obj.get("kind")
    if not kind or not objects.name(obj):
        raise InputError(f"{file}: an object has no kind or metadata.name")
    if kind not in KNOWN_KINDS:
        snapshot.warnings.append(f"{file}: skipped {kind} {objects.name(obj)} (kind not used by netdebug)")
        return
    if kind not in CLUSTER_SCOPED and not objects.namespace(obj):
        obj.setdefault("metadata", {})["namespace"] = default_namespace
    snapshot.add(obj)


def _pod_template(workload: dict) -> dict | None:
    spec = objects.spec(workload)
    if workload["kind"] == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return spec.get("template")


def _add_pods_for_workloads(snapshot: Snapshot) -> None:
    """Workloads stand for their pods when the manifests give no Pod of theirs."""
    for kind in WORKLOAD_KINDS:
        for workload in snapshot.of(kind):
            template = _pod_template(workload)
            if template and not _has_own_pods(snapshot, workload, template):
                snapshot.add(_pod_from_template(workload, template))


def _has_own_pods(snapshot: Snapshot, workload: dict, template: dict) -> bool:
    selector = objects.spec(workload).get("selector") or {"matchLabels": objects.labels(template)}
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        selector = {"matchLabels": selector}  # ReplicationController uses a plain map
    pods = snapshot.in_namespace("Pod", objects.namespace(workload))
    return any(matches(selector, objects.labels(pod)) for pod in pods)


def _pod_from_template(workload: dict, template: dict) -> dict:
    template_meta = template.get("metadata") or {}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": objects.name(workload),
            "namespace": objects.namespace(workload),
            "labels": dict(template_meta.get("labels") or {}),
            "annotations": {**(template_meta.get("annotations") or {}), SYNTHESIZED: f"{workload['kind']}/{objects.name(workload)}"},
            "ownerReferences": [{"kind": workload["kind"], "name": objects.name(workload), "controller": True}],
        },
        "spec": template.get("spec") or {},
        "status": {},
    }


def _complete_namespaces(snapshot: Snapshot) -> None:
    """Add the label the API server sets, and Namespaces that objects use but no file defines."""
    for ns in snapshot.of("Namespace"):
        ns.setdefault("metadata", {}).setdefault("labels", {})["kubernetes.io/metadata.name"] = objects.name(ns)
    defined = {objects.name(ns) for ns in snapshot.of("Namespace")}
    for name in snapshot.namespaces():
        if name not in defined:
            snapshot.add({
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
            })
