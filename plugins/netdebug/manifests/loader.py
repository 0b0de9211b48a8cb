"""Offline mode: read YAML/JSON manifests from files and directories into a Snapshot."""
import os

import yaml

from .. import decode
from ..decode.values import describe
from ..errors import InputError
from ..model import objects
from ..model.kinds import CLUSTER_SCOPED, KNOWN_KINDS, WORKLOAD_KINDS
from ..model.snapshot import Snapshot
from ..model.selectors import matches
from . import locate
from .yaml_loader import load_documents

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SYNTHESIZED = "netdebug.io/synthesized-from"


MAX_FILE_BYTES = 256 * 1024 * 1024


def load(paths: list[str], default_namespace: str = "default") -> Snapshot:
    snapshot, places = Snapshot(origin="files"), {}
    for path in paths:
        for file in _manifest_files(path):
            for place, obj in _objects(file):
                _add_object(snapshot, obj, place, default_namespace, places)
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


def _documents(file: str) -> list:
    try:
        if os.path.getsize(file) > MAX_FILE_BYTES:
            raise InputError(f"{file}: larger than {MAX_FILE_BYTES // 2**20} MiB")
        with open(file, encoding="utf-8") as stream:
            return load_documents(stream.read())
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        raise InputError(f"{where}: invalid YAML: {getattr(err, 'problem', None) or err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{file}: cannot read: {err}") from None


def _objects(file: str):
    """(place, object) for every object in the file; the items of a List count one by one.

    Items of a typed list (PodList, as the API returns it) inherit kind and apiVersion, as kubectl reads them."""
    for index, doc in enumerate(_documents(file)):
        if doc is None:
            continue
        place = (file, index, None)
        if not isinstance(doc, dict):
            raise InputError(f"{locate.where(place)}: a document is not a Kubernetes object ({describe(doc)})")
        kind = doc.get("kind")
        if not (isinstance(kind, str) and kind.endswith("List") and "items" in doc):
            yield place, doc
            continue
        items = doc.get("items") or []
        if not isinstance(items, list):
            raise InputError(f"{locate.where(place, 'items')}: {kind} items: must be a list, not {describe(items)}")
        for position, item in enumerate(items):
            yield (file, index, position), _inherit(item, kind, doc.get("apiVersion"))


def _inherit(item, list_kind: str, api_version) -> object:
    if isinstance(item, dict) and list_kind != "List":
        item.setdefault("kind", list_kind[:-len("List")])
        if isinstance(api_version, str):
            item.setdefault("apiVersion", api_version)
    return item


def _add_object(snapshot: Snapshot, obj, place: tuple, default_namespace: str, places: dict) -> None:
    found = decode.problems(obj)
    if found:
        path, message = found[0]
        more = f" (and {len(found) - 1} more problem{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
        field = f"{path}: " if path else ""
        raise InputError(f"{locate.where(place, path)}: {decode.where(obj)}: {field}{message}{more}")
    kind = obj["kind"]
    if kind not in KNOWN_KINDS:
        snapshot.warnings.append(f"{place[0]}: skipped {kind} {objects.name(obj)} (kind not used by netdebug)")
        return
    if kind not in CLUSTER_SCOPED and not objects.namespace(obj):
        obj.setdefault("metadata", {})["namespace"] = default_namespace
    key = (kind, objects.namespace(obj), objects.name(obj))
    if key in places:
        earlier, earlier_place = places[key]
        snapshot.replace(earlier, obj)
        snapshot.warnings.append(f"{locate.where(place)}: {decode.where(obj)} is defined again (first at "
                                 f"{locate.where(earlier_place)}); the last one is used, as kubectl apply would")
    else:
        snapshot.add(obj)
    places[key] = (obj, place)


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
