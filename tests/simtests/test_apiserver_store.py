"""Store, defaults, selectors, patches and table helpers of the fake API server (no server needed)."""
import pytest

from tests.sim.apiserver import Store
from tests.sim.apiserver.patches import PatchError, apply_json_patch, merge_list_by_name
from tests.sim.apiserver.selectors import (SelectorError, fields_match, labels_match, parse_fields,
                                           parse_labels)
from tests.sim.apiserver.store import Expired
from tests.sim.apiserver.cells import human_duration
from tests.sim.apiserver.tables import table


def test_add_fills_server_metadata_and_namespace_label():
    store = Store()
    stored = store.add({"kind": "Namespace", "metadata": {"name": "shop"}})
    meta = stored["metadata"]
    assert meta["labels"]["kubernetes.io/metadata.name"] == "shop"
    assert meta["uid"] and meta["creationTimestamp"].endswith("Z")
    assert meta["resourceVersion"] == store.resource_version == "1"
    assert stored["apiVersion"] == "v1" and stored["status"]["phase"] == "Active"


def test_service_defaults_allocate_distinct_cluster_ips_and_node_ports():
    store = Store()
    one = store.add({"kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}})
    two = store.add({"kind": "Service", "metadata": {"name": "b", "namespace": "x"},
                     "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81}]}})
    spec = one["spec"]
    assert one["metadata"]["namespace"] == "default"
    assert (spec["type"], spec["sessionAffinity"], spec["internalTrafficPolicy"]) == ("ClusterIP", "None", "Cluster")
    assert spec["ipFamilies"] == ["IPv4"] and spec["clusterIPs"] == [spec["clusterIP"]]
    assert spec["ports"][0] == {"port": 80, "protocol": "TCP", "targetPort": 80}
    assert two["spec"]["clusterIP"] != spec["clusterIP"]
    assert [p["nodePort"] for p in two["spec"]["ports"]] == [30000, 30001]
    assert two["spec"]["externalTrafficPolicy"] == "Cluster"


def test_pod_defaults_and_container_status_fields():
    store = Store()
    pod = store.add({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"},
                     "spec": {"containers": [{"name": "c", "image": "busybox"}]},
                     "status": {"containerStatuses": [{"name": "c"}]}})
    spec, container = pod["spec"], pod["spec"]["containers"][0]
    assert (spec["dnsPolicy"], spec["restartPolicy"], spec["serviceAccountName"]) == ("ClusterFirst", "Always", "default")
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["imagePullPolicy"] == "Always"
    assert pod["status"]["containerStatuses"][0] == {"name": "c", "image": "busybox", "imageID": "",
                                                     "ready": False, "restartCount": 0}


def test_network_policy_gets_policy_types_like_the_api_server():
    store = Store()
    policy = store.add({"kind": "NetworkPolicy", "metadata": {"name": "np"},
                        "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}})
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert policy["spec"]["egress"][0]["ports"][0]["protocol"] == "TCP"


def test_update_keeps_uid_and_bumps_generation_delete_removes():
    store = Store()
    first = store.add({"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1}})
    changed = dict(first, spec={**first["spec"], "replicas": 3})
    second = store.update(changed)
    assert second["metadata"]["uid"] == first["metadata"]["uid"]
    assert second["metadata"]["generation"] == 2
    assert int(second["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])
    assert store.delete("deployments", "default", "d")["metadata"]["name"] == "d"
    assert store.get("Deployment", "default", "d") is None and store.delete("Deployment", "default", "d") is None


def test_duplicate_add_and_update_of_missing_object_fail():
    store = Store()
    store.add({"kind": "ConfigMap", "metadata": {"name": "c"}})
    with pytest.raises(ValueError):
        store.add({"kind": "ConfigMap", "metadata": {"name": "c"}})
    with pytest.raises(KeyError):
        store.update({"kind": "ConfigMap", "metadata": {"name": "missing"}})


def test_list_sorted_and_filtered_by_namespace():
    store = Store()
    for namespace, name in (("b", "x"), ("a", "z"), ("a", "y")):
        store.add({"kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace}})
    assert [o["metadata"]["name"] for o in store.list("ConfigMap")] == ["y", "z", "x"]
    assert [o["metadata"]["name"] for o in store.list("configmaps", "b")] == ["x"]


def test_watch_initial_events_then_changes_and_history_since_version():
    store = Store()
    store.add({"kind": "Pod", "metadata": {"name": "a"}})
    seen = []
    initial, cancel = store.watch("Pod", lambda kind, obj: seen.append((kind, obj["metadata"]["name"])))
    assert [(k, o["metadata"]["name"]) for k, o in initial] == [("ADDED", "a")]
    version = store.resource_version
    store.add({"kind": "Pod", "metadata": {"name": "b"}})
    store.add({"kind": "Service", "metadata": {"name": "s"}})
    store.delete("Pod", "default", "a")
    cancel()
    store.add({"kind": "Pod", "metadata": {"name": "c"}})
    assert seen == [("ADDED", "b"), ("DELETED", "a")]
    replay, cancel = store.watch("Pod", lambda *_: None, since=version)
    cancel()
    assert [(k, o["metadata"]["name"]) for k, o in replay] == [("ADDED", "b"), ("DELETED", "a"), ("ADDED", "c")]


def test_watch_from_a_version_before_the_history_is_expired(monkeypatch):
    store = Store()
    store._history = type(store._history)(maxlen=2)
    for name in "abcd":
        store.add({"kind": "Pod", "metadata": {"name": name}})
    with pytest.raises(Expired):
        store.watch("Pod", lambda *_: None, since="1")


@pytest.mark.parametrize("selector, labels, expected", [
    ("app=web", {"app": "web"}, True), ("app==web", {"app": "db"}, False),
    ("app!=web", {}, True), ("app!=web", {"app": "web"}, False),
    ("env in (prod, staging),tier", {"env": "prod", "tier": "x"}, True),
    ("env in (prod,staging)", {"env": "dev"}, False), ("env notin (prod)", {}, True),
    ("env notin (prod)", {"env": "prod"}, False), ("tier", {}, False), ("!tier", {}, True),
    ("!tier", {"tier": "a"}, False), ("", {"any": "thing"}, True),
])
def test_label_selectors(selector, labels, expected):
    assert labels_match(parse_labels(selector), labels) is expected


def test_bad_selectors_are_rejected():
    with pytest.raises(SelectorError):
        parse_labels("app=web,=x")
    with pytest.raises(SelectorError, match="field label not supported: spec.nodeName"):
        parse_fields("spec.nodeName=n1", "Service")


def test_field_selectors():
    event = {"metadata": {"name": "e", "namespace": "shop"}, "involvedObject": {"kind": "Pod", "name": "web"},
             "type": "Warning"}
    assert fields_match(parse_fields("involvedObject.name=web,type!=Normal", "Event"), event)
    assert not fields_match(parse_fields("involvedObject.kind=Service", "Event"), event)
    pod = {"metadata": {"name": "p"}, "spec": {"hostNetwork": True}}
    assert fields_match(parse_fields("spec.hostNetwork=true,metadata.name==p", "Pod"), pod)


def test_merge_by_name_and_json_patch():
    merged = merge_list_by_name([{"name": "a", "image": "x"}], [{"name": "a", "tty": True}, {"name": "b"},
                                                                 {"$patch": "delete", "name": "a"}])
    assert merged == [{"name": "a", "image": "x", "tty": True}, {"name": "b"}]
    doc = {"spec": {"list": [1]}}
    patched = apply_json_patch(doc, [{"op": "add", "path": "/spec/list/-", "value": 2},
                                     {"op": "test", "path": "/spec/list/0", "value": 1},
                                     {"op": "add", "path": "/spec/a~1b", "value": 3},
                                     {"op": "remove", "path": "/spec/list/0"}])
    assert patched == {"spec": {"list": [2], "a/b": 3}} and doc == {"spec": {"list": [1]}}
    with pytest.raises(PatchError):
        apply_json_patch(doc, [{"op": "replace", "path": "/spec/missing", "value": 1}])


@pytest.mark.parametrize("seconds, text", [(5, "5s"), (119, "119s"), (125, "2m5s"), (600, "10m"),
                                           (3 * 3600 + 60, "3h1m"), (30 * 3600, "30h"),
                                           (3 * 86400 + 4 * 3600, "3d4h"), (200 * 86400, "200d"),
                                           (800 * 86400, "2y70d")])
def test_human_duration_like_kubectl(seconds, text):
    assert human_duration(seconds) == text


def test_service_table_row():
    store = Store()
    svc = store.add({"kind": "Service", "metadata": {"name": "lb"},
                     "spec": {"type": "LoadBalancer", "selector": {"app": "x"}, "ports": [{"port": 80}]}})
    body = table("Service", [svc])
    assert [c["name"] for c in body["columnDefinitions"]][:5] == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)"]
    cells = body["rows"][0]["cells"]
    assert cells[:3] == ["lb", "LoadBalancer", svc["spec"]["clusterIP"]]
    assert cells[3] == "<pending>" and cells[4] == f"80:{svc['spec']['ports'][0]['nodePort']}/TCP"
    assert body["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_update_of_a_kind_without_generation_adds_none():
    store = Store()
    store.add({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}})
    updated = store.update({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}})
    assert "generation" not in updated["metadata"] and updated["data"] == {"a": "2"}
