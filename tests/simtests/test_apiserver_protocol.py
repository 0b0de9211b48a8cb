"""Wire-level behaviour of the fake API server: auth, discovery, tables, exec framing, faults."""
import asyncio
import json
import ssl
import time

import aiohttp
import pytest

from tests.sim.apiserver import start_server
from tests.simtests.apiserver_support import runtime, sample_store, server, workdir  # noqa: F401

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def _request(handle, path, token="admin", method="GET", headers=None, body=None):
    """(status, parsed body or text) of one HTTPS request."""
    async def call():
        async with _session(handle, token) as session:
            async with session.request(method, handle.url + path, headers=headers or {}, data=body) as response:
                text = await response.text()
                try:
                    return response.status, json.loads(text)
                except ValueError:
                    return response.status, text
    return asyncio.run(call())


def _session(handle, token):
    tls = ssl.create_default_context(cafile=str(handle.ca_path))
    headers = {"Authorization": f"Bearer {handle.tokens[token]}"} if token else {}
    return aiohttp.ClientSession(headers=headers, connector=aiohttp.TCPConnector(ssl=tls))


def _exec_frames(handle, query, protocols, send=(), method="GET"):
    """Run one exec; returns (chosen protocol, {channel: bytes})."""
    async def call():
        async with _session(handle, "admin") as session:
            async with session.ws_connect(f"{handle.url}/api/v1/namespaces/shop/pods/web-1/exec?{query}",
                                          protocols=protocols, method=method) as ws:
                for frame in send:
                    await (ws.send_str(frame) if isinstance(frame, str) else ws.send_bytes(frame))
                channels: dict[int, bytes] = {}
                async for message in ws:
                    data = message.data if message.type == aiohttp.WSMsgType.BINARY else message.data.encode()
                    channels[data[0]] = channels.get(data[0], b"") + data[1:]
                return ws.protocol, channels
    return asyncio.run(asyncio.wait_for(call(), 15))


def test_missing_or_wrong_token_is_unauthorized(server):  # noqa: F811
    for token in (None, "wrong"):
        headers = {"Authorization": "Bearer nope"} if token else {}
        code, body = _request(server, "/api/v1/pods", token=None, headers=headers)
        assert code == 401 and (body["kind"], body["reason"], body["code"]) == ("Status", "Unauthorized", 401)
    assert _request(server, "/healthz", token=None) == (200, "ok")


def test_discovery_documents(server):  # noqa: F811
    assert _request(server, "/api")[1]["versions"] == ["v1"]
    core = {r["name"]: r for r in _request(server, "/api/v1")[1]["resources"]}
    assert {"pods/exec", "pods/log", "pods/ephemeralcontainers", "pods/status"} <= set(core)
    assert core["pods"]["shortNames"] == ["po"] and core["nodes"]["namespaced"] is False
    groups = {g["name"]: g for g in _request(server, "/apis")[1]["groups"]}
    assert {"apps", "batch", "networking.k8s.io", "discovery.k8s.io", "policy.networking.k8s.io"} <= set(groups)
    alpha2 = _request(server, "/apis/policy.networking.k8s.io/v1alpha2")[1]
    assert [r["name"] for r in alpha2["resources"]] == ["clusternetworkpolicies"]
    version = _request(server, "/version", token=None)[1]
    assert version["major"] == "1" and int(version["minor"]) >= 30


def test_unknown_paths_are_not_found_statuses(server):  # noqa: F811
    code, body = _request(server, "/apis/example.com/v1/widgets")
    assert code == 404 and body["reason"] == "NotFound"
    code, body = _request(server, "/apis/apps/v1/namespaces/shop/deployments/missing")
    assert code == 404 and body["message"] == 'deployments.apps "missing" not found'


def test_writes_other_than_ephemeral_containers_are_not_allowed(server):  # noqa: F811
    code, body = _request(server, "/api/v1/namespaces/shop/pods/web-1", method="DELETE")
    assert code == 405 and body["reason"] == "MethodNotAllowed"


def test_table_rendering_for_pods_and_generic_kinds(server):  # noqa: F811
    code, body = _request(server, "/api/v1/namespaces/shop/pods", headers={"Accept": TABLE})
    assert code == 200 and body["kind"] == "Table"
    columns = [(c["name"], c["priority"]) for c in body["columnDefinitions"]]
    assert columns[:5] == [("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0)]
    assert ("IP", 1) in columns and ("Node", 1) in columns
    assert body["rows"][1]["cells"][:4] == ["web-1", "1/1", "Running", 0]
    assert body["rows"][1]["cells"][5:7] == ["10.244.1.5", "node-1"]
    generic = _request(server, "/api/v1/namespaces/shop/serviceaccounts", headers={"Accept": TABLE})[1]
    assert [c["name"] for c in generic["columnDefinitions"]] == ["Name", "Age"]


def test_watch_from_a_forgotten_version_reports_expired(server):  # noqa: F811
    server.store._history.clear()
    server.store.add({"kind": "ConfigMap", "metadata": {"name": "new", "namespace": "shop"}})
    code, text = _request(server, "/api/v1/namespaces/shop/pods?watch=true&resourceVersion=2")
    event = json.loads(text.splitlines()[0]) if isinstance(text, str) else text
    assert code == 200 and event["type"] == "ERROR" and event["object"]["code"] == 410


def test_watch_single_object_with_table_output(server):  # noqa: F811
    code, text = _request(server, "/api/v1/watch/namespaces/shop/pods/web-2?timeoutSeconds=1",
                          headers={"Accept": TABLE})
    events = [json.loads(line) for line in text.splitlines()] if isinstance(text, str) else [text]
    assert [e["type"] for e in events] == ["ADDED"]
    assert events[0]["object"]["kind"] == "Table" and events[0]["object"]["rows"][0]["cells"][0] == "web-2"


def test_exec_v4_only_client_gets_v4_and_text_stdin(server):  # noqa: F811
    # v4 cannot close stdin: use a command that stops after one line
    protocol, channels = _exec_frames(server, "command=head&command=-n1&stdin=true&stdout=true&stderr=true",
                                      ["v4.channel.k8s.io"], send=["\x00typed\n"])
    assert protocol == "v4.channel.k8s.io"
    assert channels[1] == b"typed\n"


def test_exec_prefers_v5_and_close_frame_ends_stdin(server):  # noqa: F811
    protocol, channels = _exec_frames(server, "command=cat&stdin=true&stdout=true&stderr=true",
                                      ["v4.channel.k8s.io", "v5.channel.k8s.io"],
                                      send=[b"\x00binary\n", bytes([255, 0])])
    assert protocol == "v5.channel.k8s.io"
    assert channels[1] == b"binary\n" and json.loads(channels[3]) == {"metadata": {}, "status": "Success"}


def test_exec_over_post_and_tty_merges_stderr(server):  # noqa: F811
    query = "command=sh&command=-c&command=echo+e+>%262;+exit+4&stdout=true&tty=true"
    _, channels = _exec_frames(server, query, ["v5.channel.k8s.io"], method="POST")
    assert channels[1] == b"e\n" and 2 not in channels
    assert json.loads(channels[3])["details"]["causes"] == [{"reason": "ExitCode", "message": "4"}]


def test_exec_rejections_before_the_upgrade(server):  # noqa: F811
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "v5.channel.k8s.io"}
    path = "/api/v1/namespaces/shop/pods/web-1/exec?command=true&stdout=true"
    code, body = _request(server, path + "&container=nope", headers=upgrade)
    assert code == 400 and body["message"] == "container nope is not valid for pod web-1"
    code, body = _request(server, path.replace("web-1", "ghost"), headers=upgrade)
    assert code == 404
    code, body = _request(server, path, headers={**upgrade, "Sec-WebSocket-Protocol": "channel.k8s.io"})
    assert code == 400 and "unable to upgrade connection" in body["message"]
    completed = dict(server.store.get("Pod", "shop", "web-2"), status={"phase": "Succeeded"})
    server.store.update(completed)
    code, body = _request(server, path.replace("web-1", "web-2"), headers=upgrade)
    assert code == 400 and "completed pod" in body["message"]


@pytest.mark.parametrize("content_type, body", [
    ("application/json-patch+json", [{"op": "add", "path": "/spec/ephemeralContainers",
                                      "value": [{"name": "dbg", "image": "busybox"}]}]),
    ("application/merge-patch+json", {"spec": {"ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}}),
    ("application/strategic-merge-patch+json",
     {"spec": {"$setElementOrder/ephemeralContainers": [{"name": "dbg"}],
               "ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}}),
])
def test_ephemeral_container_patch_content_types(server, runtime, content_type, body):  # noqa: F811
    path = "/api/v1/namespaces/shop/pods/web-1/ephemeralcontainers"
    code, pod = _request(server, path, method="PATCH", headers={"Content-Type": content_type},
                         body=json.dumps(body))
    assert code == 200 and [c["name"] for c in pod["spec"]["ephemeralContainers"]] == ["dbg"]
    assert pod["spec"]["ephemeralContainers"][0]["terminationMessagePolicy"] == "File"
    assert runtime.added == [("web-1", "dbg")]
    code, again = _request(server, path, method="PATCH", headers={"Content-Type": content_type},
                           body=json.dumps(body))
    assert code == 200 and runtime.added == [("web-1", "dbg")]


def test_ephemeral_container_validation(server):  # noqa: F811
    path = "/api/v1/namespaces/shop/pods/web-1/ephemeralcontainers"
    headers = {"Content-Type": "application/strategic-merge-patch+json"}
    for container, problem in (({"name": "app", "image": "b"}, 'name: Duplicate value: "app"'),
                               ({"name": "d"}, "image: Required value"),
                               ({"name": "d", "image": "b", "targetContainerName": "x"},
                                'targetContainerName: Not found: "x"')):
        code, body = _request(server, path, method="PATCH", headers=headers,
                              body=json.dumps({"spec": {"ephemeralContainers": [container]}}))
        assert code == 422 and body["reason"] == "Invalid" and problem in body["message"]


def test_faults_error_delay_and_drop(workdir, runtime):  # noqa: F811
    faults = [{"verb": "list", "resource": "configmaps", "action": "error"},
              {"verb": "get", "resource": "services", "action": "delay", "seconds": 0.4},
              {"user": "limited", "verb": "*", "resource": "secrets", "namespace": "shop", "action": "drop"},
              {"user": "limited", "verb": "get", "resource": "pods/log", "action": "forbid"}]
    with start_server(sample_store(), runtime, workdir, faults=faults) as handle:
        code, body = _request(handle, "/api/v1/namespaces/shop/configmaps")
        assert code == 500 and body["reason"] == "InternalError"
        started = time.monotonic()
        assert _request(handle, "/api/v1/namespaces/shop/services/web")[0] == 200
        assert time.monotonic() - started >= 0.4
        with pytest.raises(aiohttp.ClientError):
            _request(handle, "/api/v1/namespaces/shop/secrets", token="limited")
        assert _request(handle, "/api/v1/namespaces/shop/secrets")[0] == 200
        code, body = _request(handle, "/api/v1/namespaces/shop/pods/web-1/log", token="limited")
        assert code == 403 and body["message"] == ('pods "web-1" is forbidden: User "limited" cannot get '
                                                   'resource "pods/log" in API group "" in the namespace "shop"')
        handle.set_faults([])
        assert _request(handle, "/api/v1/namespaces/shop/configmaps")[0] == 200


def test_fault_absent_answers_like_a_server_without_the_resource(workdir, runtime):  # noqa: F811
    faults = [{"verb": "list", "resource": "configmaps", "action": "absent"}]
    with start_server(sample_store(), runtime, workdir, faults=faults) as handle:
        code, body = _request(handle, "/api/v1/namespaces/shop/configmaps")
        assert (code, body["reason"], body["message"]) == (404, "NotFound", "the server could not find the requested resource")
        assert _request(handle, "/api/v1/namespaces/shop/services/web")[0] == 200


def test_forbidden_message_for_cluster_scope_and_named_groups(workdir, runtime):  # noqa: F811
    faults = [{"user": "limited", "verb": "list", "resource": "*", "action": "forbid"}]
    with start_server(sample_store(), runtime, workdir, faults=faults) as handle:
        body = _request(handle, "/apis/networking.k8s.io/v1/networkpolicies", token="limited")[1]
    assert body["message"] == ('networkpolicies.networking.k8s.io is forbidden: User "limited" cannot list '
                               'resource "networkpolicies" in API group "networking.k8s.io" at the cluster scope')


def test_bad_faults_are_rejected(workdir, runtime):  # noqa: F811
    with pytest.raises(ValueError, match="action must be one of"):
        start_server(sample_store(), runtime, workdir, faults=[{"action": "explode"}])
    with pytest.raises(ValueError, match="unknown field"):
        start_server(sample_store(), runtime, workdir, faults=[{"action": "drop", "verbs": "get"}])
    assert not any(workdir.iterdir())


def test_malformed_query_parameters_are_bad_requests(server):  # noqa: F811
    for path in ("/api/v1/pods?limit=many", "/api/v1/namespaces/shop/pods/web-1/log?tailLines=x",
                 "/api/v1/pods?watch=1&resourceVersion=abc", "/api/v1/pods?continue=%%%",
                 "/api/v1/pods?labelSelector=a%20in%20b"):
        code, body = _request(server, path)
        assert (code, body["kind"], body["reason"]) == (400, "Status", "BadRequest"), path
