"""The kinds the fake API server serves: names, groups, scopes and discovery facts."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    group: str
    version: str
    namespaced: bool
    short_names: tuple = ()
    subresources: tuple = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()


def _core(kind, plural, namespaced=True, short=(), subs=()):
    return Resource(kind, plural, "", "v1", namespaced, short, subs)


POD_SUBRESOURCES = (("exec", "PodExecOptions"), ("log", "Pod"), ("ephemeralcontainers", "Pod"),
                    ("status", "Pod"))
NETPOL_GROUP = "policy.networking.k8s.io"

RESOURCES = (
    _core("Namespace", "namespaces", False, ("ns",), (("status", "Namespace"),)),
    _core("Node", "nodes", False, ("no",), (("status", "Node"),)),
    _core("Pod", "pods", True, ("po",), POD_SUBRESOURCES),
    _core("Service", "services", True, ("svc",), (("status", "Service"),)),
    _core("Endpoints", "endpoints", True, ("ep",)),
    _core("ConfigMap", "configmaps", True, ("cm",)),
    _core("Secret", "secrets"),
    _core("Event", "events", True, ("ev",)),
    _core("ServiceAccount", "serviceaccounts", True, ("sa",)),
    Resource("EndpointSlice", "endpointslices", "discovery.k8s.io", "v1", True),
    Resource("NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", True, ("netpol",)),
    Resource("Ingress", "ingresses", "networking.k8s.io", "v1", True, ("ing",), (("status", "Ingress"),)),
    Resource("IngressClass", "ingressclasses", "networking.k8s.io", "v1", False),
    Resource("Deployment", "deployments", "apps", "v1", True, ("deploy",), (("status", "Deployment"),)),
    Resource("ReplicaSet", "replicasets", "apps", "v1", True, ("rs",), (("status", "ReplicaSet"),)),
    Resource("StatefulSet", "statefulsets", "apps", "v1", True, ("sts",), (("status", "StatefulSet"),)),
    Resource("DaemonSet", "daemonsets", "apps", "v1", True, ("ds",), (("status", "DaemonSet"),)),
    Resource("Job", "jobs", "batch", "v1", True, (), (("status", "Job"),)),
    Resource("CronJob", "cronjobs", "batch", "v1", True, ("cj",), (("status", "CronJob"),)),
    Resource("AdminNetworkPolicy", "adminnetworkpolicies", NETPOL_GROUP, "v1alpha1", False, ("anp",)),
    Resource("BaselineAdminNetworkPolicy", "baselineadminnetworkpolicies", NETPOL_GROUP, "v1alpha1",
             False, ("banp",)),
    Resource("ClusterNetworkPolicy", "clusternetworkpolicies", NETPOL_GROUP, "v1alpha2", False, ("cnp",)),
    Resource("PeerAuthentication", "peerauthentications", "security.istio.io", "v1beta1", True, ("pa",)),
    Resource("AuthorizationPolicy", "authorizationpolicies", "security.istio.io", "v1beta1", True, ("ap",)),
    Resource("Server", "servers", "policy.linkerd.io", "v1beta3", True),
    Resource("ServerAuthorization", "serverauthorizations", "policy.linkerd.io", "v1beta1", True, ("saz",)),
)

# Kinds `kubectl get all` shows.
ALL_CATEGORY = frozenset({"Pod", "Service", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
                          "Job", "CronJob"})


def lookup(name: str) -> Resource:
    """A resource by kind ("Pod"), plural ("pods") or lower-case kind; KeyError if unknown."""
    for resource in RESOURCES:
        if name in (resource.kind, resource.plural, resource.singular):
            return resource
    raise KeyError(f"unknown kind {name!r}")


def by_path(group: str, version: str, plural: str) -> Resource | None:
    for resource in RESOURCES:
        if (resource.group, resource.version, resource.plural) == (group, version, plural):
            return resource
    return None


def group_versions() -> dict[str, list[str]]:
    """{group: [versions, preferred first]} for the named groups (not the core group)."""
    groups: dict[str, list[str]] = {}
    for resource in RESOURCES:
        if resource.group and resource.version not in groups.setdefault(resource.group, []):
            groups[resource.group].append(resource.version)
    for versions in groups.values():
        versions.sort(key=_version_rank)
    return groups


def _version_rank(version: str) -> int:
    """GA versions before beta before alpha (what a real server prefers)."""
    return 0 if "alpha" not in version and "beta" not in version else (1 if "beta" in version else 2)


def in_group_version(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES if (r.group, r.version) == (group, version)]
