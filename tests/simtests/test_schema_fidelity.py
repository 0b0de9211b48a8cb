"""Every object the simulator serves, for every example scenario, against the Kubernetes 1.35 API schema.

The schema is the official OpenAPI spec as JSON Schema in its strict form (a field the API does not
have is a violation), vendored in tests/sim/schema/ (see prune.py for where it comes from).
Admin-policy kinds are CRDs outside the Kubernetes API spec; they are not checked here.
"""
import json
import os
from functools import lru_cache

import pytest

from tests.sim import controllers, scenario
from tests.sim.apiserver import Store
from tests.simtests.simnet_support import REPO

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra (pip install -e '.[test]')")
referencing = pytest.importorskip("referencing")

SCHEMA = os.path.join(REPO, "tests", "sim", "schema", "k8s-1.35-strict.json")
EXAMPLES = sorted(d for d in os.listdir(os.path.join(REPO, "examples")) if os.path.isdir(os.path.join(REPO, "examples", d)))


@lru_cache(maxsize=1)
def schema() -> tuple[dict, dict]:
    """(whole document, {(apiVersion, kind): definition name})."""
    document = json.loads(open(SCHEMA).read())
    by_kind = {}
    for name, definition in document["$defs"].items():
        for gvk in definition.get("x-kubernetes-group-version-kind") or []:
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            by_kind.setdefault((api_version, gvk["kind"]), name)
    return document, by_kind


def validator(definition: str):
    document, _ = schema()
    resource = referencing.Resource.from_contents(document)
    registry = referencing.Registry().with_resource(document["$id"], resource)
    return jsonschema.Draft202012Validator({"$ref": f"{document['$id']}#/$defs/{definition}"}, registry=registry)


def served(example: str) -> list[dict]:
    """The objects as the simulated API server hands them out (after its defaults and metadata)."""
    store, kinds = Store(), set()
    for obj in controllers.reconcile(scenario.load(os.path.join(REPO, "examples", example)).objects):
        kinds.add(store.add(obj)["kind"])
    return [obj for kind in sorted(kinds) for obj in store.list(kind)]


def violations(objects: list[dict]) -> list[str]:
    _, by_kind = schema()
    validators, found = {}, []
    for obj in objects:
        definition = by_kind.get((obj["apiVersion"], obj["kind"]))
        if definition is None:
            continue  # a CRD (admin policies)
        check = validators.setdefault(definition, validator(definition))
        meta = obj.get("metadata") or {}
        where = f"{obj['kind']} {meta.get('namespace', '')}/{meta.get('name')}".replace(" /", " ")
        found += [f"{where}: {'.'.join(map(str, error.absolute_path)) or '(object)'}: {error.message[:160]}"
                  for error in check.iter_errors(obj)]
    return found


@pytest.mark.parametrize("example", EXAMPLES)
def test_served_objects_match_the_api_schema(example):
    objects = served(example)
    assert objects
    found = violations(objects)
    assert not found, f"{len(found)} schema violations:\n" + "\n".join(found)


def test_the_schema_catches_what_the_api_does_not_have():
    """The check can fail: a Deployment-only field on a DaemonSet status, a missing required field."""
    daemonset = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "x"},
                 "spec": {"selector": {}, "template": {}},
                 "status": {"currentNumberScheduled": 1, "numberMisscheduled": 0, "desiredNumberScheduled": 1,
                            "numberReady": 1, "readyReplicas": 1}}
    [extra] = violations([daemonset])
    assert "readyReplicas" in extra
    del daemonset["status"]["readyReplicas"], daemonset["status"]["numberMisscheduled"]
    [missing] = violations([daemonset])
    assert "numberMisscheduled" in missing


def test_real_cluster_shapes_leave_out_what_real_clusters_leave_out():
    from tests.sim import shapes

    objects = served("external-access")
    real = [shapes.served_form(o) for o in objects]
    assert not violations(real)
    nodes = [o for o in real if o["kind"] == "Node"]
    assert nodes and not any("podCIDR" in n["spec"] for n in nodes)
    endpoints = [e for o in real if o["kind"] == "EndpointSlice" for e in o.get("endpoints") or []]
    assert endpoints and all(set(e["conditions"]) <= {"ready"} and "nodeName" not in e and "targetRef" not in e
                             for e in endpoints)
    balancers = [i for o in real if o["kind"] == "Service" for i in o["status"]["loadBalancer"].get("ingress") or []]
    assert balancers and all("ip" not in i and i["hostname"].endswith(".amazonaws.com") for i in balancers)
    assert not any("hostIPs" in o["status"] for o in real if o["kind"] == "Pod")
    assert any("hostIPs" in o["status"] for o in objects if o["kind"] == "Pod"), "the simulator's own shape has them"
