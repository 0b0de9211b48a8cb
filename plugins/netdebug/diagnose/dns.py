"""What the cluster DNS would answer for a name asked from a pod (pure: reads a Snapshot).

Follows the kubelet's resolv.conf (dnsPolicy, dnsConfig, search list, ndots) and the
Kubernetes DNS specification: `svc.ns.svc.<domain>` (ClusterIP, headless -> ready pod IPs,
ExternalName -> CNAME), `host.subdomain.ns.svc.<domain>` and `a-b-c-d.ns.pod.<domain>`.
Names outside the cluster domain go upstream: we can only say what they cost.
"""
from dataclasses import dataclass, field

from ..model import objects
from ..model.kinds import CLUSTER_DOMAIN
from .endpoints import service_endpoints
from ..model.findings import Finding
from .service import is_headless, selected_pods

DEFAULT_NDOTS = 5


@dataclass(frozen=True)
class ResolverConfig:
    policy: str  # the pod's effective dnsPolicy
    cluster_dns: bool  # do queries reach the cluster DNS?
    search: tuple[str, ...]
    ndots: int
    nameservers: tuple[str, ...] = ()


@dataclass
class DnsAnswer:
    name: str  # as asked
    kind: str  # service | headless | externalname | pod | nxdomain | outside | no-cluster-dns
    resolver: ResolverConfig
    queries: list[str] = field(default_factory=list)  # names tried in order, up to the answer
    fqdn: str | None = None  # the name that answered
    addresses: list[str] = field(default_factory=list)
    cname: str | None = None
    service: dict | None = None
    other_namespaces: list[str] = field(default_factory=list)  # where a Service of that name exists
    namespace: str = ""  # the client's namespace

    def to_dict(self) -> dict:
        data = {"name": self.name, "kind": self.kind, "fqdn": self.fqdn, "addresses": self.addresses,
                "cname": self.cname, "service": objects.ref(self.service) if self.service else None,
                "queries": self.queries, "dnsPolicy": self.resolver.policy,
                "search": list(self.resolver.search), "ndots": self.resolver.ndots}
        return {k: v for k, v in data.items() if v not in (None, [])}


def resolver_config(pod: dict | None, namespace: str, domain: str = CLUSTER_DOMAIN) -> ResolverConfig:
    """The resolv.conf the kubelet writes for this pod (a pod-less client gets ClusterFirst)."""
    spec = objects.spec(pod) if pod else {}
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"  # hostNetwork pods need ClusterFirstWithHostNet for cluster DNS
    cluster = policy in ("ClusterFirst", "ClusterFirstWithHostNet")
    search = [f"{namespace}.svc.{domain}", f"svc.{domain}", domain] if cluster else []
    config = spec.get("dnsConfig") or {}
    search += [s for s in config.get("searches") or [] if s not in search]
    ndots = DEFAULT_NDOTS if cluster else 1
    for option in config.get("options") or []:
        if option.get("name") == "ndots" and str(option.get("value", "")).isdigit():
            ndots = int(option["value"])
    servers = tuple(config.get("nameservers") or [])
    return ResolverConfig(policy, cluster, tuple(search), ndots, servers)


def query_order(name: str, resolver: ResolverConfig) -> list[str]:
    """The absolute names the resolver asks for, in order (glibc/musl search rules)."""
    if name.endswith("."):
        return [name.rstrip(".")]
    searched = [f"{name}.{suffix}" for suffix in resolver.search]
    if name.count(".") >= resolver.ndots:
        return [name, *searched]
    return [*searched, name]


def answer(snapshot, name: str, pod: dict | None, namespace: str, domain: str = CLUSTER_DOMAIN) -> DnsAnswer:
    resolver = resolver_config(pod, namespace, domain)
    if resolver.cluster_dns:
        return _ask(snapshot, name, resolver, namespace, domain)
    cluster_view = _ask(snapshot, name, resolver_config(None, namespace, domain), namespace, domain)
    if cluster_view.kind in ("nxdomain", "outside"):
        return _ask(snapshot, name, resolver, namespace, domain)
    return DnsAnswer(name=name.rstrip("."), kind="no-cluster-dns", resolver=resolver, namespace=namespace,
                     queries=[name.rstrip(".")], service=cluster_view.service)


def _ask(snapshot, name: str, resolver: ResolverConfig, namespace: str, domain: str) -> DnsAnswer:
    result = DnsAnswer(name=name.rstrip("."), kind="nxdomain", resolver=resolver, namespace=namespace)
    for fqdn in query_order(name, resolver):
        result.queries.append(fqdn)
        in_cluster = fqdn == domain or fqdn.endswith("." + domain)
        if not in_cluster:
            if fqdn == name.rstrip(".") and "." in fqdn:  # upstream has no answer for a single label
                result.kind = "outside"
                return result
            continue  # a custom search suffix (answered upstream, assumed not found) or a bare label
        if _lookup(snapshot, fqdn[: -len(domain) - 1], result):
            result.fqdn = fqdn
            return result
    result.other_namespaces = _other_namespaces(snapshot, name, namespace)
    return result


def _lookup(snapshot, relative: str, result: DnsAnswer) -> bool:
    labels = relative.split(".")
    if len(labels) == 3 and labels[2] == "svc":
        return _service_record(snapshot, labels[1], labels[0], result)
    if len(labels) == 4 and labels[3] == "svc":
        return _hostname_record(snapshot, labels[2], labels[1], labels[0], result)
    if len(labels) == 3 and labels[2] == "pod":
        ip = labels[0].replace("-", ".") if labels[0].count("-") == 3 else labels[0].replace("-", ":")
        result.kind, result.addresses = "pod", [ip]
        return True
    return False


def _service_record(snapshot, namespace: str, name: str, result: DnsAnswer) -> bool:
    service = snapshot.get("Service", namespace, name)
    if service is None:
        return False
    spec = objects.spec(service)
    result.service = service
    if spec.get("type") == "ExternalName":
        result.kind, result.cname = "externalname", spec.get("externalName")
    elif is_headless(service):
        result.kind, result.addresses = "headless", headless_addresses(snapshot, service)
    else:  # no clusterIP in a manifest: one is assigned at creation
        result.kind, result.addresses = "service", list(spec.get("clusterIPs") or [spec.get("clusterIP") or "<clusterIP>"])
    return True


def _hostname_record(snapshot, namespace: str, subdomain: str, host: str, result: DnsAnswer) -> bool:
    service = snapshot.get("Service", namespace, subdomain)
    if service is None:
        return False
    for pod in snapshot.in_namespace("Pod", namespace):
        spec = objects.spec(pod)
        if spec.get("subdomain") == subdomain and (spec.get("hostname") or objects.name(pod)) == host:
            result.kind, result.service, result.addresses = "pod", service, objects.pod_ips(pod)
            return True
    return False


def headless_addresses(snapshot, service: dict) -> list[str]:
    """Ready endpoint IPs (all of them with publishNotReadyAddresses); pod IPs when no slices are known."""
    publish_all = bool(objects.spec(service).get("publishNotReadyAddresses"))
    view = service_endpoints(snapshot, service)
    if view.source is not None:
        return sorted({e.ip for e in view.endpoints if publish_all or e.ready})
    pods = selected_pods(snapshot, service)
    if pods and not any(objects.status(p) for p in pods):  # from manifests: IPs come at runtime
        return [f"<pod IP of {objects.ref(p)}>" for p in pods]
    return sorted({ip for p in pods if publish_all or objects.pod_ready(p) for ip in objects.pod_ips(p)})


def _other_namespaces(snapshot, name: str, namespace: str) -> list[str]:
    short = name.split(".")[0]
    if "." in name.rstrip("."):
        return []
    return sorted({objects.namespace(s) for s in snapshot.of("Service")
                   if objects.name(s) == short and objects.namespace(s) != namespace})


def findings_for(result: DnsAnswer, client: str) -> list[Finding]:
    """What is wrong (or costly) about this lookup, from `client` (e.g. "pod shop/web-1")."""
    if result.kind == "nxdomain" and result.other_namespaces:
        others = ", ".join(f"{result.name}.{ns}" for ns in result.other_namespaces)
        return [Finding("dns-short-name-other-namespace", "error",
                        f"'{result.name}' does not resolve from namespace {result.namespace}: "
                        f"a short name only finds Services in the client's own namespace",
                        {"queries": result.queries, "servicesIn": result.other_namespaces},
                        f"use the namespaced name ({others}) or the FQDN", client)]
    if result.kind == "nxdomain":
        return [Finding("dns-name-not-found", "error", f"no Service or pod record answers '{result.name}'",
                        {"queries": result.queries}, "check the name and namespace of the Service", client)]
    if result.kind == "no-cluster-dns":
        return [Finding("dns-policy-no-cluster-dns", "error",
                        f"dnsPolicy {result.resolver.policy}: the pod does not ask the cluster DNS, so cluster names do not resolve",
                        {"dnsPolicy": result.resolver.policy},
                        "set dnsPolicy: ClusterFirst (ClusterFirstWithHostNet for hostNetwork pods)", client)]
    if result.kind == "headless" and not result.addresses and result.service is not None:
        return [Finding("dns-no-addresses", "error", f"headless Service {objects.ref(result.service)} has no ready endpoint, "
                        "so its name has no address", {"fqdn": result.fqdn}, "make a backend pod ready", client)]
    return _ndots_cost(result, client)


def _ndots_cost(result: DnsAnswer, client: str) -> list[Finding]:
    wasted = len(result.queries) - 1
    if result.kind != "outside" or wasted == 0:
        return []
    return [Finding("dns-ndots-cost", "info",
                    f"'{result.name}' has fewer than {result.resolver.ndots} dots: the resolver asks {wasted} "
                    "cluster search names first (each an extra round trip, times two for A and AAAA)",
                    {"queries": result.queries, "ndots": result.resolver.ndots},
                    f"write it as '{result.name}.' (trailing dot) or lower ndots in the pod's dnsConfig", client)]
