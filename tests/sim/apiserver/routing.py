"""Turn a request path into what it asks for (like the apiserver's RequestInfo)."""
from dataclasses import dataclass

from .resources import Resource, by_path
from .status import StatusError, status

_VERBS = {"POST": "create", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}


@dataclass
class RequestInfo:
    verb: str
    plural: str = ""
    group: str = ""
    version: str = ""
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None
    resource: Resource | None = None

    @property
    def is_resource(self) -> bool:
        return bool(self.plural)

    @property
    def rbac_resource(self) -> str:
        return f"{self.plural}/{self.subresource}" if self.subresource else self.plural


def parse(method: str, path: str, query) -> RequestInfo:
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 4 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return RequestInfo(verb=method.lower())
    watch = bool(rest) and rest[0] == "watch"
    rest = rest[1:] if watch else rest
    if not rest:
        return RequestInfo(verb=method.lower())
    info = RequestInfo(verb="", group=group, version=version)
    _fill_names(info, rest)
    info.resource = by_path(group, version, info.plural)
    info.verb = _verb(method, info, watch or query.get("watch", "").lower() in ("true", "1"))
    return info


def _fill_names(info: RequestInfo, rest: list[str]) -> None:
    if rest[0] == "namespaces" and len(rest) >= 3:
        resource = by_path(info.group, info.version, rest[2])
        if resource is not None and resource.namespaced:
            info.namespace, rest = rest[1], rest[2:]
    info.plural = rest[0]
    info.name = rest[1] if len(rest) > 1 else None
    info.subresource = "/".join(rest[2:]) or None


def _verb(method: str, info: RequestInfo, watch: bool) -> str:
    if info.subresource == "exec":
        return "create"
    if method in ("GET", "HEAD"):
        if watch:
            return "watch"
        return "get" if info.name else "list"
    if method == "DELETE" and not info.name:
        return "deletecollection"
    return _VERBS.get(method, method.lower())


def int_param(query, name: str, default: int | None = None) -> int | None:
    """An integer query parameter; HTTP 400 like kube-apiserver when it is not a number."""
    value = query.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise StatusError(status(400, f"{name}: Invalid value: {value!r}: must be an integer")) from None
