"""A Service's endpoints in one shape, read from EndpointSlices (or the legacy v1 Endpoints).

`service_endpoints` answers "which addresses back this Service, and are they ready?" and says
where the answer came from, so callers can tell "no endpoints" from "could not see them".
"""
from dataclasses import dataclass, field, replace

from ..model import objects
from ..model.kinds import SERVICE_NAME_LABEL
from ..model.snapshot import Snapshot



@dataclass(frozen=True)
class Endpoint:
    ip: str
    ready: bool
    serving: bool
    terminating: bool
    pod: str | None = None  # "ns/name" when the address belongs to a pod
    node: str | None = None
    ports: tuple = ()  # ({"name", "port", "protocol"}, ...)

    def to_dict(self) -> dict:
        return {"ip": self.ip, "ready": self.ready, "serving": self.serving, "terminating": self.terminating,
                "pod": self.pod, "node": self.node, "ports": list(self.ports)}


@dataclass(frozen=True)
class EndpointView:
    source: str | None  # "EndpointSlice", "Endpoints", or None when nothing could be read
    endpoints: list[Endpoint] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)  # the slices/Endpoints read, "Kind ns/name"

    @property
    def ready(self) -> list[Endpoint]:
        return [e for e in self.endpoints if e.ready]

    @property
    def not_ready(self) -> list[Endpoint]:
        return [e for e in self.endpoints if not e.ready]


def service_endpoints(snapshot: Snapshot, service: dict) -> EndpointView:
    ns, name = objects.namespace(service), objects.name(service)
    slices = _of_family(service, [s for s in snapshot.in_namespace("EndpointSlice", ns)
                                  if objects.labels(s).get(SERVICE_NAME_LABEL) == name])
    if slices:
        found = _dedupe(e for s in slices for e in _slice_endpoints(s, ns))
        return EndpointView("EndpointSlice", _with_pods(snapshot, ns, found),
                            [f"EndpointSlice {objects.ref(s)}" for s in slices])
    legacy = snapshot.get("Endpoints", ns, name)
    if legacy is not None:
        return EndpointView("Endpoints", _with_pods(snapshot, ns, list(_legacy_endpoints(legacy, ns))),
                            [f"Endpoints {objects.ref(legacy)}"])
    if snapshot.origin == "live" and snapshot.complete("EndpointSlice", ns):
        return EndpointView("EndpointSlice")
    return EndpointView(None)


def _of_family(service: dict, slices: list[dict]) -> list[dict]:
    """The slices kube-proxy uses for the Service's primary address family (one pod of a dual-stack Service
    is one endpoint, not two); FQDN slices (deprecated) never carry Service traffic."""
    addressed = [s for s in slices if s.get("addressType") != "FQDN"]
    family = _primary_family(objects.spec(service))
    return [s for s in addressed if s.get("addressType") == family] or addressed


def _primary_family(spec: dict) -> str | None:
    families = spec.get("ipFamilies") or []
    if families:
        return families[0]
    cluster_ip = spec.get("clusterIP") or ""
    return ("IPv6" if ":" in cluster_ip else "IPv4") if objects.is_ip(cluster_ip) else None


def _slice_endpoints(slice_: dict, ns: str):
    ports = tuple({"name": p.get("name") or "", "port": p.get("port"), "protocol": p.get("protocol", "TCP")}
                  for p in slice_.get("ports") or [])
    for entry in slice_.get("endpoints") or []:
        cond = entry.get("conditions") or {}
        ready = cond.get("ready") is not False  # nil means ready (API semantics)
        terminating = bool(cond.get("terminating"))
        serving = cond.get("serving", ready) is not False
        for ip in [a for a in entry.get("addresses") or [] if a]:  # an empty address is no endpoint
            yield Endpoint(ip, ready, serving, terminating, _target_pod(entry.get("targetRef"), ns),
                           entry.get("nodeName"), ports)


def _legacy_endpoints(endpoints: dict, ns: str):
    for subset in endpoints.get("subsets") or []:
        ports = tuple({"name": p.get("name") or "", "port": p.get("port"), "protocol": p.get("protocol", "TCP")}
                      for p in subset.get("ports") or [])
        for key, ready in (("addresses", True), ("notReadyAddresses", False)):
            for address in [a for a in subset.get(key) or [] if a.get("ip")]:
                yield Endpoint(address["ip"], ready, ready, False, _target_pod(address.get("targetRef"), ns),
                               address.get("nodeName"), ports)


def _with_pods(snapshot: Snapshot, ns: str, endpoints: list[Endpoint]) -> list[Endpoint]:
    """nodeName and targetRef are optional (many controllers leave them out): take them from the pod with
    the endpoint's address, when the snapshot has it."""
    if all(e.pod and e.node for e in endpoints):
        return endpoints
    pods = {ip: pod for pod in snapshot.in_namespace("Pod", ns) if not objects.host_network(pod)
            for ip in objects.pod_ips(pod)}
    return [replace(e, pod=e.pod or objects.ref(pods[e.ip]), node=e.node or objects.spec(pods[e.ip]).get("nodeName"))
            if e.ip in pods else e for e in endpoints]


def _target_pod(target: dict | None, ns: str) -> str | None:
    if not target or target.get("kind", "Pod") != "Pod":
        return None
    return f"{target.get('namespace') or ns}/{target.get('name', '')}"


def _dedupe(endpoints) -> list[Endpoint]:
    """An address appears in one slice per address family/port set; keep the first of each (ip, ports)."""
    seen, unique = set(), []
    for endpoint in endpoints:
        key = (endpoint.ip, tuple(tuple(sorted(p.items())) for p in endpoint.ports))
        if key not in seen:
            seen.add(key)
            unique.append(endpoint)
    return unique
