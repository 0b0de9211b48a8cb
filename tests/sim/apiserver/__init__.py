"""Fake Kubernetes API server for the simulated cluster (aiohttp, HTTPS, bearer tokens).

    from tests.sim.apiserver import Store, start_server, ExecUnavailable, BinaryNotFound

    store = Store()          # in-memory, thread-safe
    store.add(obj)           # -> stored copy; fills uid, resourceVersion, creationTimestamp, generation,
                             #    apiVersion, namespace "default" and the defaults kube-apiserver fills
                             #    (Service clusterIP/nodePorts/sessionAffinity/ipFamilies..., Pod dnsPolicy/
                             #    restartPolicy/terminationMessagePath..., Namespace label
                             #    kubernetes.io/metadata.name); ValueError if it exists
    store.update(obj)        # replace (KeyError if missing); uid/creationTimestamp kept, generation bumped
                             #    when spec changes, defaults filled again
    store.delete(kind, ns, name) -> deleted obj | None
    store.get(kind, ns, name) -> obj | None ; store.list(kind, ns=None) -> [obj] sorted by ns/name
    store.snapshot(kind, ns=None, shared=False) -> ([obj], resourceVersion) taken atomically
    store.watch(kind, callback, since=None) -> (initial events, cancel); callback(type, obj) runs in
                             #    the mutating thread
    # kind may be "Pod", "pods" or "pod"; ns is ignored for cluster-scoped kinds. Every change is a
    # watch event for clients.

    handle = start_server(store, runtime, workdir, faults=[], logs=None)
    handle.url               # https://127.0.0.1:<port>
    handle.kubeconfig        # workdir/kubeconfig: contexts "sim" (user admin) and "sim-limited" (user limited)
    handle.ca_path, handle.tokens {"admin": ..., "limited": ...}, handle.store
    handle.set_faults([...]) # replace faults while running
    handle.stop()            # also kills exec processes still running; workdir files are the caller's

Runtime (see runtime.py) — its methods are called on the server's own event loop thread:
    async spawn(pod, container, argv) -> asyncio.subprocess.Process with PIPE stdin/stdout/stderr;
        raises ExecUnavailable(message) (container missing / not running: exec answers an InternalError
        status on channel 3) or BinaryNotFound(message) (use BinaryNotFound.for_binary(name) for the
        containerd-like message).
    logs(pod, container) -> list[str]       (the `logs` argument of start_server overrides it)
    container_added(pod, container) -> None (after an ephemeral container was patched in)

Faults: [{"user": "limited"|"*", "verb": "list"|"get"|"watch"|"create"|"patch"|"*",
          "resource": "events"|"pods/exec"|"*", "namespace": optional, "action":
          "forbid"|"error"|"delay"|"drop"|"absent", "seconds": 0.5, "message": for error}], applied to resource requests in order:
          delays add up, the first forbid (403 RBAC-like Status) / error (500) / drop (connection
          closed, no answer) / absent (404: the resource is not served, as on an older cluster) ends the request. Exec is verb "create" on "pods/exec".
"""
from .runtime import BinaryNotFound, ExecUnavailable, Runtime
from .server import ServerHandle, start_server
from .store import Store

__all__ = ["Store", "start_server", "ServerHandle", "ExecUnavailable", "BinaryNotFound", "Runtime"]
