"""What request handlers share: the store, the runtime, faults and users."""
from dataclasses import dataclass, field

from aiohttp import web

from .store import Store


@dataclass
class Context:
    store: Store
    runtime: object
    logs: object                                   # callable(pod, container) -> list[str]
    users: dict[str, str]                          # bearer token -> user name
    faults: list[dict] = field(default_factory=list)
    processes: set = field(default_factory=set)    # exec processes still running
    requests: list = field(default_factory=list)   # (user, verb, resource, namespace) of every resource request
    hidden_groups: set = field(default_factory=set)  # API groups not installed: 404 and absent from discovery


CONTEXT = web.AppKey("context", Context)


def context(request: web.Request) -> Context:
    return request.app[CONTEXT]
