"""Static checks that need live state (status, EndpointSlices, Events), on hand-built live snapshots."""
from netdebug.diagnose import logscan
from netdebug.diagnose.endpoints import service_endpoints
from netdebug.model.findings import Finding
from netdebug.diagnose.pod_state import not_ready_reason, pod_events
from netdebug.diagnose.svcdebug import ServiceFacts, build_report, gap_notes, static_findings
from netdebug.model.snapshot import Gap, Snapshot


def pod(name, labels, ready=True, ip="10.244.1.5", node="node-1", **status):
    conditions = [{"type": "Ready", "status": "True" if ready else "False"}]
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "shop", "labels": labels},
            "spec": {"nodeName": node, "containers": [{"name": "web", "ports": [{"name": "http", "containerPort": 8080}],
                                                       "readinessProbe": {"tcpSocket": {"port": "http"}}}]},
            "status": {"phase": "Running", "podIP": ip, "conditions": conditions, **status}}


def service(name="web", **spec):
    return {"kind": "Service", "metadata": {"name": name, "namespace": "shop"},
            "spec": {"selector": {"app": "web"}, "clusterIP": "10.96.0.20",
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}], **spec}}


def endpoint_slice(*entries, name="web"):
    return {"kind": "EndpointSlice", "metadata": {"name": f"{name}-abc", "namespace": "shop",
                                                  "labels": {"kubernetes.io/service-name": name}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            "endpoints": [{"addresses": [ip], "conditions": {"ready": ready}, "nodeName": node,
                           "targetRef": {"kind": "Pod", "name": pod_name, "namespace": "shop"}}
                          for ip, ready, node, pod_name in entries]}


def live(*objs, gaps=()):
    snapshot = Snapshot(origin="live", gaps=list(gaps))
    for obj in objs:
        snapshot.add(obj)
    return snapshot


def run(snapshot, name="web", from_pod=None):
    svc = snapshot.get("Service", "shop", name)
    facts = ServiceFacts.gather(snapshot, svc, svc["spec"].get("ports") or [])
    return facts, {f.code: f for f in static_findings(facts, from_pod)}


def test_readiness_probe_failure_read_from_events():
    bad = pod("web-1", {"app": "web"}, ready=False, containerStatuses=[
        {"name": "web", "ready": False, "started": True, "state": {"running": {}}}])
    event = {"kind": "Event", "metadata": {"name": "e1", "namespace": "shop"}, "type": "Warning", "reason": "Unhealthy",
             "message": "Readiness probe failed: dial tcp 10.244.1.6:8080: connect: connection refused", "count": 12,
             "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"}}
    snapshot = live(service(), bad, pod("web-2", {"app": "web"}, ip="10.244.2.7", node="node-2"), event,
                    endpoint_slice(("10.244.1.5", False, "node-1", "web-1"), ("10.244.2.7", True, "node-2", "web-2")))
    _, found = run(snapshot)
    item = found["endpoints-not-ready"]
    assert item.severity == "warning" and item.evidence["ready"] == "1/2"
    reason = item.evidence["not ready"][0]
    assert reason["pod"] == "shop/web-1" and reason["reason"] == "readiness-probe-failing"
    assert reason["events"] == ["Unhealthy: Readiness probe failed: dial tcp 10.244.1.6:8080: connect: connection refused (x12)"]


def test_crash_loop_and_terminating_reasons():
    crashing = pod("a", {}, ready=False, containerStatuses=[
        {"name": "web", "restartCount": 7, "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}}}])
    assert not_ready_reason(crashing, []) == {"pod": "shop/a", "reason": "crash-loop",
                                              "detail": "container web waiting: CrashLoopBackOff (restarts 7): back-off 5m0s"}
    leaving = pod("b", {}, ready=False)
    leaving["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    assert not_ready_reason(leaving, [])["reason"] == "terminating"
    pulling = pod("c", {}, ready=False, containerStatuses=[{"name": "web", "state": {"waiting": {"reason": "ImagePullBackOff"}}}])
    assert not_ready_reason(pulling, [])["reason"] == "image-pull"


def test_no_endpoints_when_pods_match_but_slices_are_empty():
    pending = pod("web-1", {"app": "web"}, ready=False, ip=None, phase="Pending")
    pending["status"].pop("podIP")
    _, found = run(live(service(), pending, endpoint_slice()))
    item = found["no-endpoints"]
    assert item.severity == "error" and item.evidence["selected pods"] == ["shop/web-1 phase=Pending ip=no IP"]


def test_legacy_endpoints_fallback_when_slices_are_forbidden():
    endpoints = {"kind": "Endpoints", "metadata": {"name": "web", "namespace": "shop"},
                 "subsets": [{"addresses": [{"ip": "10.244.1.5", "targetRef": {"kind": "Pod", "name": "web-1"}}],
                              "notReadyAddresses": [{"ip": "10.244.1.6"}], "ports": [{"port": 8080}]}]}
    snapshot = live(service(), endpoints, gaps=[Gap("EndpointSlice", "shop", "forbidden")])
    view = service_endpoints(snapshot, snapshot.get("Service", "shop", "web"))
    assert view.source == "Endpoints" and [e.ip for e in view.ready] == ["10.244.1.5"]
    assert view.ready[0].pod == "shop/web-1"
    assert "EndpointSlices not readable" in gap_notes(snapshot)[0]


def test_lb_pending_and_etp_local_list_nodes_without_local_endpoints():
    nodes = [{"kind": "Node", "metadata": {"name": n}, "status": {"addresses": [{"type": "InternalIP", "address": a}]}}
             for n, a in (("node-1", "172.18.0.2"), ("node-2", "172.18.0.3"))]
    svc = service(type="LoadBalancer", externalTrafficPolicy="Local")
    snapshot = live(svc, *nodes, pod("web-1", {"app": "web"}), endpoint_slice(("10.244.1.5", True, "node-1", "web-1")))
    _, found = run(snapshot)
    assert found["lb-pending"].severity == "warning"
    assert found["etp-local-no-endpoints"].evidence == {"nodes without a ready endpoint": ["node-2"], "nodes with one": ["node-1"]}
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.5"}]}}
    assert "lb-pending" not in run(snapshot)[1]


def test_ingress_without_class_and_without_default_class_and_without_address():
    ingress = {"kind": "Ingress", "metadata": {"name": "web", "namespace": "shop",
                                               "annotations": {"external-dns.alpha.kubernetes.io/hostname": "a.example.com"}},
               "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}
    plain_class = {"kind": "IngressClass", "metadata": {"name": "nginx"}}
    _, found = run(live(service(), pod("web-1", {"app": "web"}), ingress, plain_class))
    assert found["ingress-class-missing"].evidence["ingressClassName"] == "<none>"
    assert "ingress-no-address" in found and "externaldns-no-target" in found
    plain_class["metadata"]["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
    assert "ingress-class-missing" not in run(live(service(), pod("web-1", {"app": "web"}), ingress, plain_class))[1]


def test_forbidden_kinds_skip_their_checks_with_a_note():
    ingress = {"kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"},
               "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 99}}}}}
    snapshot = live(service(), pod("web-1", {"app": "web"}), ingress,
                    gaps=[Gap("Ingress", "shop", "forbidden"), Gap("NetworkPolicy", "shop", "forbidden")])
    facts, found = run(snapshot)
    assert "ingress-backend-port-missing" not in found
    notes = gap_notes(snapshot)
    assert any("Ingress checks skipped" in n for n in notes) and any("policy checks skipped" in n for n in notes)


def test_report_orders_by_severity_then_checklist():
    findings = [Finding("mesh-sidecar", "info", "m"), Finding("target-port-not-exposed", "warning", "t"),
                Finding("named-port-unresolved", "error", "n"), Finding("selector-no-match", "error", "s")]
    report = build_report("shop/web", findings)
    assert [f["code"] for f in report["findings"]] == ["selector-no-match", "named-port-unresolved",
                                                       "target-port-not-exposed", "mesh-sidecar"]
    assert report["verdict"] == "error" and report["summary"] == "broken: s (+1 more)"


def test_logscan_classifies_network_errors():
    text = "starting\ndial tcp 10.96.0.5:5432: connect: connection refused\nGET / 200\n" \
           "lookup db on 10.96.0.10:53: no such host\nremote error: tls: bad certificate\n"
    assert [hit["kind"] for hit in logscan.scan(text)] == ["connection-refused", "name-resolution", "tls"]
    assert logscan.scan("all good\n") == []


def test_pod_events_match_only_that_pod():
    events = [{"kind": "Event", "metadata": {"namespace": "shop"}, "involvedObject": {"kind": "Pod", "name": n}}
              for n in ("web-1", "web-10")]
    snapshot = live(*events)
    assert len(pod_events(snapshot, pod("web-1", {}))) == 1


def test_unlistable_pods_do_not_make_a_selector_look_wrong():
    snapshot = live(service(), endpoint_slice(("10.244.1.5", True, "node-1", "web-1")),
                    gaps=[Gap("Pod", "shop", "forbidden")])
    _, found = run(snapshot)
    assert "selector-no-match" not in found
    assert any(n.startswith("Pods not readable") for n in gap_notes(snapshot))


def test_not_ready_endpoints_are_reported_even_when_pods_cannot_be_listed():
    snapshot = live(service(), endpoint_slice(("10.244.1.5", False, "node-1", "web-1"), ("10.244.2.7", True, "node-2", "web-2")),
                    gaps=[Gap("Pod", "shop", "forbidden")])
    _, found = run(snapshot)
    item = found["endpoints-not-ready"]
    assert item.evidence["ready"] == "1/2"
    assert item.evidence["not ready"] == [{"pod": "shop/web-1", "reason": "not-ready", "detail": "not ready (pod not visible)"}]
