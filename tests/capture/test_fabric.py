"""Node fabric conclusions and peer choice (pure)."""
from netdebug.diagnose import fabric


def _pod(name, node, ready=True, port=8080, host=False, ip="10.0.0.9"):
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "lab"},
            "spec": {"nodeName": node, "hostNetwork": host, "containers": [{"name": "c", "ports": [{"containerPort": port}] if port else []}]},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def _result(role, node, reached, sent=3):
    return fabric.result(fabric.Peer(role, f"lab/{role}", node, "10.0.0.9", 80), [("ok", 1.0)] * reached + [("timeout", 1000.0)] * (sent - reached))


def test_peer_is_ready_has_a_port_is_allowed_and_not_excluded():
    pods = [_pod("a-src", "n1"), _pod("b-unready", "n1", ready=False), _pod("c-noport", "n1", port=None),
            _pod("d-host", "n1", host=True), _pod("e-denied", "n1"), _pod("f-good", "n1"), _pod("g-other-node", "n2")]
    pods.append(_pod("h-second", "n1"))
    pods.append(_pod("i-third", "n1"))
    peers = fabric.choose_peers(pods, "same-node", "n1", {"lab/a-src"}, lambda pod, port: pod["metadata"]["name"] != "e-denied")
    assert [(p.pod, p.port, p.node) for p in peers] == [("lab/f-good", 8080, "n1"), ("lab/h-second", 8080, "n1")]
    assert fabric.choose_peers(pods, "same-node", "n3", set(), lambda *_: True) == []


def test_other_node_unreachable_same_node_fine_is_the_fabric():
    found = fabric.conclude("lab/src", "n1", "lab/dst", "n2", "fails", [_result("same-node", "n1", 3), _result("destination-node", "n2", 0)])
    assert [f.code for f in found] == ["node-fabric-broken"] and found[0].severity == "error"
    assert "pods on n1 cannot reach pods on n2" in found[0].message


def test_other_pod_on_that_node_answers_so_the_destination_is_to_blame():
    found = fabric.conclude("lab/src", "n1", "lab/dst", "n2", "fails", [_result("same-node", "n1", 3), _result("destination-node", "n2", 3)])
    assert [f.code for f in found] == ["destination-pod-local"]
    one_broken_peer = [_result("same-node", "n1", 3), _result("destination-node", "n2", 0), _result("destination-node", "n2", 3)]
    assert [f.code for f in fabric.conclude("lab/src", "n1", "lab/dst", "n2", "fails", one_broken_peer)] == ["destination-pod-local"]


def test_source_cannot_reach_its_own_node_either():
    found = fabric.conclude("lab/src", "n1", "lab/dst", "n2", "fails", [_result("same-node", "n1", 0), _result("destination-node", "n2", 0)])
    assert [f.code for f in found] == ["source-pod-network"]


def test_lossy_fabric_is_a_warning_and_same_node_destination_uses_the_same_node_peer():
    lossy = fabric.conclude("lab/src", "n1", "lab/dst", "n2", "lossy", [_result("same-node", "n1", 10, 10), _result("destination-node", "n2", 7, 10)])
    assert [(f.code, f.severity) for f in lossy] == [("node-fabric-broken", "warning")]
    same = fabric.conclude("lab/src", "n1", "lab/dst", "n1", "fails", [_result("same-node", "n1", 3)])
    assert [f.code for f in same] == ["destination-pod-local"]
