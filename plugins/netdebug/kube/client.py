"""A small, thread-safe view of one cluster: list/get as plain JSON dicts, logs, exec, ephemeral containers.

Every request goes through the official client's generic `ApiClient.call_api` with
`_preload_content=False` and is decoded with `json.loads`: no generated model classes, which is
both faster to import and much faster for thousands of objects.
"""
from __future__ import annotations  # `list` is also a method name below

import json
import threading

from .. import decode
from ..model.gaps import IGNORED, Gap
from . import errors, library
from .config import ClusterConfig, load_config
from .exec import ExecResult, run_exec
from .resources import resource_for

PAGE_SIZE = 500


class Cluster:
    def __init__(self, config: ClusterConfig, request_timeout: float = 10.0, page_size: int = PAGE_SIZE):
        self.config = config
        self.page_size = page_size
        self.namespace = config.namespace
        self.context = config.context
        self.request_timeout = request_timeout
        self.gaps: list[Gap] = []
        self._calls = 0
        self._lock = threading.Lock()
        self._lib = library.load()
        self._api = self._lib.ApiClient(config.configuration)

    @property
    def api_calls(self) -> int:
        """How many HTTP requests (including exec upgrades) this Cluster has made."""
        return self._calls

    def list(self, kind: str, namespace: str | None = None, label_selector: str | None = None,
             field_selector: str | None = None) -> list[dict]:
        """All objects of a kind (namespace None: every namespace), following `continue` tokens.

        Forbidden or not served (404: e.g. a CRD that is not installed) -> [] and a Gap.
        """
        resource = resource_for(kind)
        namespace = namespace if resource.namespaced else None
        filters = [(k, v) for k, v in (("labelSelector", label_selector), ("fieldSelector", field_selector)) if v]
        items, token = [], None
        while True:
            query = [("limit", self.page_size), *filters] + ([("continue", token)] if token else [])
            page = self._read(resource, "list", namespace, None, query)
            if page is None:
                return []
            decoded = (self._decoded(_complete(item, kind, resource.group_version), namespace)
                       for item in page.get("items") or [] if isinstance(item, dict))
            items.extend(obj for obj in decoded if obj is not None)
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return items

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        """One object, or None when it does not exist (or we may not read it: then a Gap too)."""
        resource = resource_for(kind)
        namespace = namespace if resource.namespaced else None
        obj = self._read(resource, "get", namespace, name, [])
        return self._decoded(_complete(obj, kind, resource.group_version), namespace) if obj else None

    def logs(self, namespace: str, pod: str, container: str, tail_lines: int = 50) -> str:
        """The last lines a container wrote; "" (and a Gap) when they cannot be read."""
        path = resource_for("Pod").path(namespace, pod, "log")
        query = [("container", container), ("tailLines", tail_lines)]
        what = f"get pods/log {pod} in namespace {namespace}"
        try:
            response = self.call("GET", path, query, what=what)
        except self._lib.ApiException as err:  # logs come through the kubelet: any failure only costs the log scan
            if not err.status:
                raise errors.api_failure(err, self.config.server, self.context, what) from None
            self.gaps.append(errors.gap(err, "PodLog", namespace, "get", "pods/log", f"{pod} -c {container}"))
            return ""
        return response.data.decode("utf-8", "replace")

    def exec(self, namespace: str, pod: str, container: str, argv: list[str],
             stdin: bytes | None = None, timeout: float = 5.0) -> ExecResult:
        self._count()
        # The exec websocket is opened without a timeout of its own; bound its connect and reads
        # (0, like kubectl's --request-timeout=0, means no limit; a 0 socket timeout would mean non-blocking).
        self._lib.websocket.setdefaulttimeout(self.request_timeout or None)
        # A private ApiClient per exec: `stream` temporarily swaps the client's request method.
        with self._lib.ApiClient(self.config.configuration) as api_client:
            return run_exec(api_client, namespace, pod, container, argv, stdin, timeout)

    def exec_stream(self, namespace: str, pod: str, container: str, argv: list[str], sink=None):
        """A long-running exec (packet capture): see exec_stream.ExecStream."""
        from .exec_stream import ExecStream

        self._count()
        return ExecStream(self._lib.ApiClient(self.config.configuration), namespace, pod, container, argv, sink)

    def add_ephemeral_container(self, namespace: str, pod: str, image: str,
                                target_container: str | None = None, timeout: float = 60.0) -> str:
        from .ephemeral import add_ephemeral_container

        return add_ephemeral_container(self, namespace, pod, image, target_container, timeout)

    def call(self, method: str, path: str, query: list | None = None, body=None, content_type: str | None = None,
             what: str | None = None):
        """One raw request; returns the undecoded urllib3 response. ApiException is left to the caller.

        `what` (e.g. "list pods in shop") names the request when the API server cannot be reached."""
        self._count()
        headers = {"Accept": "application/json", **({"Content-Type": content_type} if content_type else {})}
        try:
            return self._api.call_api(path, method, query_params=query or [], header_params=headers, body=body,
                                      auth_settings=["BearerToken"], _preload_content=False,
                                      _return_http_data_only=True, _request_timeout=self.request_timeout)
        except (self._lib.urllib3.exceptions.HTTPError, OSError) as err:
            raise errors.unreachable(err, self.config.server, self.context, what) from None

    def _read(self, resource, verb: str, namespace: str | None, name: str | None, query) -> dict | None:
        """A GET; 403 (and 404 on a list: a kind not served) -> a Gap and None; 404 on a get -> None."""
        what = " ".join(p for p in (verb, resource.rbac_name, name) if p) + (f" in namespace {namespace}" if namespace else "")
        try:
            response = self.call("GET", resource.path(namespace, name), query, what=what)
        except self._lib.ApiException as err:
            if err.status == 404 and name:
                return None
            if err.status in errors.DEGRADING_STATUSES:
                self.gaps.append(errors.gap(err, resource.kind, namespace, verb, resource.rbac_name, name))
                return None
            raise errors.api_failure(err, self.config.server, self.context, what) from None
        return json.loads(response.data)

    def _decoded(self, obj: dict, namespace: str | None) -> dict | None:
        """The object as decode() checks it; a field the API should not have let through (a newer API,
        a CRD's own schema) is dropped with a note instead of reaching the diagnosis."""
        kind = obj["kind"]
        obj, found = decode.repair(obj)
        if found:
            path, message = found[0]
            more = f" and {len(found) - 1} more" if len(found) > 1 else ""
            detail = f"{decode.where(obj) if obj else kind} ({path}: {message}{more})"
            self.gaps.append(Gap(kind, namespace, IGNORED, verb="decode", detail=detail))
        return obj

    def _count(self) -> None:
        with self._lock:
            self._calls += 1


def connect(options) -> Cluster:
    """A Cluster for these ClusterOptions (kubeconfig, context, namespace, request timeout)."""
    return Cluster(load_config(options), options.request_timeout)


def _complete(obj: dict, kind: str, group_version: str) -> dict:
    """List items come without kind/apiVersion; Secret values are dropped (we only need their existence)."""
    obj.setdefault("kind", kind)
    obj.setdefault("apiVersion", group_version)
    if kind == "Secret":
        obj.pop("data", None)
        obj.pop("stringData", None)
    return obj
