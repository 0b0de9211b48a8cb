"""Live objects that fail the decode layer degrade to a note (a gap), never a crash or a wrong type."""
from netdebug import decode
from netdebug.kube.client import Cluster


def bare_cluster() -> Cluster:
    cluster = Cluster.__new__(Cluster)  # no connection: only the decoding step is exercised
    cluster.gaps = []
    return cluster


def test_an_unreadable_live_field_is_dropped_with_a_gap():
    cluster = bare_cluster()
    pod = {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "c", "ports": [{"containerPort": "eighty"}, {"containerPort": 80}]}],
                    "hostNetwork": "yes"},
           "status": {"podIP": "10.0.0.1", "podIPs": [{"ip": 5}]}}
    obj = cluster._decoded(pod, "shop")
    assert obj["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]
    assert "hostNetwork" not in obj["spec"] and obj["status"]["podIPs"] == [{}]
    assert obj["metadata"]["labels"] == {"app": "web"} and decode.problems(obj) == []
    [gap] = cluster.gaps
    assert (gap.kind, gap.namespace) == ("Pod", "shop")
    assert gap.sentence.startswith("ignored what netdebug cannot read in Pod shop/web "
                                   "(spec.containers[0].ports[0].containerPort: must be an integer")
    assert "and 2 more" in gap.sentence
    assert not gap.covers("Pod", "shop"), "a dropped field hides no object: never 'forbidden', never exit 3"


def test_a_live_object_without_a_usable_name_is_left_out():
    cluster = bare_cluster()
    assert cluster._decoded({"kind": "Service", "metadata": {"name": 7}}, None) is None
    assert len(cluster.gaps) == 1


def test_valid_live_objects_pass_unchanged():
    cluster = bare_cluster()
    service = {"kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"clusterIP": "None", "ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "web"}}}
    assert cluster._decoded(service, "shop") == service and cluster.gaps == []
