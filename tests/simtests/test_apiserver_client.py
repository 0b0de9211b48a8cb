"""The official kubernetes Python client against the running fake API server."""
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream

from tests.sim.apiserver import start_server
from tests.simtests.apiserver_support import api_client, pod, runtime, sample_store, server, workdir  # noqa: F401

FAULTS = [{"user": "limited", "verb": "list", "resource": "events", "action": "forbid"}]


@pytest.fixture
def core(server):  # noqa: F811
    return client.CoreV1Api(api_client(server))


def _exec(core, pod_name, command, namespace="shop", stdin=False, **kwargs):
    return stream(core.connect_get_namespaced_pod_exec, pod_name, namespace, command=command, stdin=stdin,
                  stdout=True, stderr=True, tty=False, _preload_content=False, **kwargs)


def _status(ws) -> dict:
    return json.loads(ws.read_channel(3))


def test_list_pods_as_models_with_server_defaults(core):
    pods = core.list_namespaced_pod("shop").items
    assert [p.metadata.name for p in pods] == ["db-0", "web-1", "web-2"]
    assert pods[1].spec.dns_policy == "ClusterFirst" and pods[1].metadata.uid
    assert pods[1].status.pod_ip == "10.244.1.5"


def test_list_as_raw_json_has_list_kind_and_resource_version(core, server):  # noqa: F811
    body = json.loads(core.list_namespaced_pod("shop", _preload_content=False).data)
    assert (body["kind"], body["apiVersion"]) == ("PodList", "v1")
    assert body["metadata"]["resourceVersion"] == server.store.resource_version
    assert "kind" not in body["items"][0] and body["items"][0]["metadata"]["namespace"] == "shop"


def test_paging_with_limit_and_continue(core):
    first = core.list_pod_for_all_namespaces(limit=3)
    assert len(first.items) == 3 and first.metadata.remaining_item_count == 1
    second = core.list_pod_for_all_namespaces(limit=3, _continue=first.metadata._continue)
    assert second.metadata._continue is None
    names = [p.metadata.name for p in first.items + second.items]
    assert names == ["multi", "db-0", "web-1", "web-2"]


def test_label_and_field_selectors(core):
    def names(**kwargs):
        return [p.metadata.name for p in core.list_pod_for_all_namespaces(**kwargs).items]
    assert names(label_selector="app=web,tier") == ["web-1"]
    assert names(label_selector="app notin (web)") == ["multi", "db-0"]
    assert names(field_selector="status.phase=Pending") == ["db-0"]
    assert names(field_selector="spec.nodeName=node-1,metadata.namespace!=other") == ["web-1", "web-2"]
    events = core.list_namespaced_event("shop", field_selector="involvedObject.name=web-1").items
    assert [e.reason for e in events] == ["Started"]
    with pytest.raises(ApiException) as error:
        core.list_namespaced_service("shop", field_selector="spec.type=ClusterIP")
    assert error.value.status == 400 and "field label not supported" in error.value.body


def test_limited_user_is_forbidden_where_a_fault_says(workdir, runtime):  # noqa: F811
    with start_server(sample_store(), runtime, workdir, faults=FAULTS) as handle:
        limited = client.CoreV1Api(api_client(handle, "sim-limited"))
        with pytest.raises(ApiException) as error:
            limited.list_namespaced_event("shop")
        assert len(limited.list_namespaced_pod("shop").items) == 3
        assert len(client.CoreV1Api(api_client(handle)).list_namespaced_event("shop").items) == 1
    body = json.loads(error.value.body)
    assert error.value.status == 403 and body["reason"] == "Forbidden"
    assert body["message"] == ('events is forbidden: User "limited" cannot list resource "events" '
                               'in API group "" in the namespace "shop"')


def test_missing_object_is_a_not_found_status(core):
    with pytest.raises(ApiException) as error:
        core.read_namespaced_pod("nope", "shop")
    body = json.loads(error.value.body)
    assert error.value.status == 404
    assert (body["kind"], body["reason"], body["message"]) == ("Status", "NotFound", 'pods "nope" not found')


def test_secret_values_are_blanked_keys_and_type_kept(core):
    secret = core.read_namespaced_secret("tls", "shop")
    assert secret.type == "kubernetes.io/tls" and secret.data == {"tls.crt": "", "tls.key": ""}


def test_watch_streams_existing_objects_then_changes(core, server):  # noqa: F811
    events = watch.Watch().stream(core.list_namespaced_pod, "shop", timeout_seconds=1)
    initial = [next(events) for _ in range(3)]
    assert [(e["type"], e["object"].metadata.name) for e in initial] == [
        ("ADDED", "db-0"), ("ADDED", "web-1"), ("ADDED", "web-2")]
    server.store.add(pod("other", "elsewhere"))
    server.store.add(pod("shop", "web-3"))
    server.store.delete("Pod", "shop", "db-0")
    changes = [(e["type"], e["object"].metadata.name) for e in events]
    assert changes == [("ADDED", "web-3"), ("DELETED", "db-0")]


def test_watch_from_a_resource_version_sends_only_later_changes(core, server):  # noqa: F811
    version = core.list_namespaced_pod("shop").metadata.resource_version
    server.store.delete("Pod", "shop", "web-2")
    events = watch.Watch().stream(core.list_namespaced_pod, "shop", resource_version=version, timeout_seconds=1)
    assert [(e["type"], e["object"].metadata.name) for e in events] == [("DELETED", "web-2")]


def test_exec_success_with_separate_stdout_and_stderr(core):
    ws = _exec(core, "web-1", ["sh", "-c", "echo out; echo err >&2"])
    ws.run_forever(timeout=10)
    assert (ws.read_stdout(), ws.read_stderr(), ws.returncode) == ("out\n", "err\n", 0)


def test_exec_non_zero_exit_code(core):
    ws = _exec(core, "web-1", ["sh", "-c", "exit 3"])
    ws.run_forever(timeout=10)
    assert ws.returncode == 3


def test_exec_non_zero_exit_status_body_like_the_kubelet(core):
    ws = _exec(core, "web-1", ["sh", "-c", "exit 7"])
    ws.run_forever(timeout=10)
    status = _status(ws)
    assert (status["status"], status["reason"]) == ("Failure", "NonZeroExitCode")
    assert status["details"] == {"causes": [{"reason": "ExitCode", "message": "7"}]}


def test_exec_missing_binary_is_an_internal_error_without_exit_code(core):
    ws = _exec(core, "web-1", ["no-such-tool-here", "-x"])
    ws.run_forever(timeout=10)
    status = _status(ws)
    assert (status["status"], status["reason"], status["code"]) == ("Failure", "InternalError", 500)
    assert 'exec: "no-such-tool-here": executable file not found in $PATH' in status["message"]
    assert "ExitCode" not in json.dumps(status)


def test_exec_into_a_container_that_is_not_running(core):
    ws = _exec(core, "multi", ["true"], namespace="other", container="sidecar")
    ws.run_forever(timeout=10)
    status = _status(ws)
    assert status["reason"] == "InternalError" and "is not running" in status["message"]


def test_exec_stdin_and_v5_close_channel(core):
    ws = _exec(core, "web-1", ["cat"], stdin=True)
    assert ws.subprotocol == "v5.channel.k8s.io"
    ws.write_stdin("hello\n")
    ws.write_stdin(b"bytes\n")
    ws.close_channel(0)
    ws.run_forever(timeout=10)
    assert (ws.read_stdout(), ws.returncode) == ("hello\nbytes\n", 0)


def _log(core, *args, **kwargs) -> str:
    # client 36 turns str responses into "b'...'"; the raw response is what callers use
    return core.read_namespaced_pod_log(*args, _preload_content=False, **kwargs).data.decode()


def test_pod_logs_with_tail_and_container_rules(core):
    assert _log(core, "web-1", "shop", tail_lines=2) == "line 4\nline 5\n"
    assert _log(core, "web-1", "shop", container="app").count("\n") == 5
    with pytest.raises(ApiException) as error:
        core.read_namespaced_pod_log("multi", "other")
    assert error.value.status == 400 and "choose one of: [main sidecar]" in error.value.body


def test_ephemeral_container_patch_then_exec_into_it(core, runtime):  # noqa: F811
    body = {"spec": {"ephemeralContainers": [{"name": "debug", "image": "busybox", "targetContainerName": "app",
                                              "command": ["sleep", "3600"]}]}}
    patched = core.patch_namespaced_pod_ephemeralcontainers("web-1", "shop", body)
    assert [c.name for c in patched.spec.ephemeral_containers] == ["debug"]
    assert patched.status.ephemeral_container_statuses[0].state.running is not None
    assert runtime.added == [("web-1", "debug")]
    ws = _exec(core, "web-1", ["echo", "from-debug"], container="debug")
    ws.run_forever(timeout=10)
    assert (ws.read_stdout(), ws.returncode) == ("from-debug\n", 0)


def test_stop_ends_the_thread_and_running_exec_processes(workdir, runtime):  # noqa: F811
    handle = start_server(sample_store(), runtime, workdir)
    ws = _exec(client.CoreV1Api(api_client(handle)), "web-1", ["sleep", "60"])
    ws.update(timeout=1)
    handle.stop()
    assert runtime.spawned and all(p.returncode is not None for p in runtime.spawned)
    assert not [t for t in threading.enumerate() if t.name == "sim-apiserver"]
    ws.close()


def test_watch_with_selector_sees_objects_enter_and_leave(core, server):  # noqa: F811
    events = watch.Watch().stream(core.list_namespaced_pod, "shop", label_selector="app=web", timeout_seconds=1)
    assert [next(events)["object"].metadata.name for _ in range(2)] == ["web-1", "web-2"]
    relabel = server.store.get("Pod", "shop", "web-2")
    relabel["metadata"]["labels"] = {"app": "old"}
    server.store.update(relabel)
    joined = server.store.get("Pod", "shop", "db-0")
    joined["metadata"]["labels"] = {"app": "web"}
    server.store.update(joined)
    joined["status"]["phase"] = "Running"
    server.store.update(joined)
    changes = [(e["type"], e["object"].metadata.name) for e in events]
    assert changes == [("DELETED", "web-2"), ("ADDED", "db-0"), ("MODIFIED", "db-0")]


def test_watch_list_initial_events_end_with_a_bookmark(core):
    response = core.list_namespaced_pod("shop", watch=True, send_initial_events=True, allow_watch_bookmarks=True,
                                        resource_version_match="NotOlderThan", timeout_seconds=1,
                                        _preload_content=False)
    events = [json.loads(line) for line in response.read().decode().splitlines()]
    assert [e["type"] for e in events] == ["ADDED", "ADDED", "ADDED", "BOOKMARK"]
    assert events[-1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_concurrent_execs_keep_their_own_streams(core):
    def run(index: int) -> tuple:
        ws = _exec(core, "web-1", ["sh", "-c", f"echo {index}; echo e{index} >&2; exit {index % 4}"])
        ws.run_forever(timeout=20)
        return ws.read_stdout(), ws.read_stderr(), ws.returncode

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(run, range(32)))
    assert results == [(f"{i}\n", f"e{i}\n", i % 4) for i in range(32)]
