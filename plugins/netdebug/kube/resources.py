"""Where each kind lives in the API: group/version, plural resource name, namespaced or not.

With this table every read is a plain GET on a path; no generated API class is needed.
"""
from dataclasses import dataclass
from urllib.parse import quote

from ..errors import InputError
from ..model.kinds import LINKERD_AUTHORIZATION_POLICY, LINKERD_SERVER_V1BETA1


@dataclass(frozen=True)
class Resource:
    kind: str
    group_version: str  # "v1" for the core group
    plural: str
    namespaced: bool = True

    @property
    def rbac_name(self) -> str:
        """The resource as RBAC and error messages name it: `authorizationpolicies.policy.linkerd.io` where
        the plural alone is ambiguous (Istio's and Linkerd's AuthorizationPolicy), else the plural."""
        group = self.group_version.rpartition("/")[0]
        return f"{self.plural}.{group}" if group and self.plural in _AMBIGUOUS_PLURALS else self.plural

    def path(self, namespace: str | None = None, name: str | None = None, subresource: str | None = None) -> str:
        """The request path; namespace None lists a namespaced kind across all namespaces."""
        base = "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"
        parts = [base]
        if self.namespaced and namespace:
            parts.append(f"namespaces/{quote(namespace, safe='')}")
        parts.append(self.plural)
        if name:
            parts.append(quote(name, safe=""))
        if subresource:
            parts.append(subresource)
        return "/".join(parts)


_TABLE = (
    Resource("Namespace", "v1", "namespaces", False),
    Resource("Node", "v1", "nodes", False),
    Resource("Pod", "v1", "pods"),
    Resource("Service", "v1", "services"),
    Resource("Endpoints", "v1", "endpoints"),
    Resource("Secret", "v1", "secrets"),
    Resource("ConfigMap", "v1", "configmaps"),
    Resource("Event", "v1", "events"),
    Resource("ServiceAccount", "v1", "serviceaccounts"),
    Resource("ReplicationController", "v1", "replicationcontrollers"),
    Resource("EndpointSlice", "discovery.k8s.io/v1", "endpointslices"),
    Resource("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies"),
    Resource("Ingress", "networking.k8s.io/v1", "ingresses"),
    Resource("IngressClass", "networking.k8s.io/v1", "ingressclasses", False),
    Resource("Deployment", "apps/v1", "deployments"),
    Resource("StatefulSet", "apps/v1", "statefulsets"),
    Resource("DaemonSet", "apps/v1", "daemonsets"),
    Resource("ReplicaSet", "apps/v1", "replicasets"),
    Resource("Job", "batch/v1", "jobs"),
    Resource("CronJob", "batch/v1", "cronjobs"),
    Resource("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "adminnetworkpolicies", False),
    Resource("BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "baselineadminnetworkpolicies", False),
    Resource("ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", "clusternetworkpolicies", False),
    Resource("PeerAuthentication", "security.istio.io/v1beta1", "peerauthentications"),
    # v1beta1: served by every Istio release, also those that serve v1 (the same objects)
    Resource("AuthorizationPolicy", "security.istio.io/v1beta1", "authorizationpolicies"),
    Resource("Server", "policy.linkerd.io/v1beta3", "servers"),
    Resource(LINKERD_SERVER_V1BETA1, "policy.linkerd.io/v1beta1", "servers"),
    Resource("ServerAuthorization", "policy.linkerd.io/v1beta1", "serverauthorizations"),
    Resource(LINKERD_AUTHORIZATION_POLICY, "policy.linkerd.io/v1alpha1", "authorizationpolicies"),
    Resource("MeshTLSAuthentication", "policy.linkerd.io/v1alpha1", "meshtlsauthentications"),
    Resource("NetworkAuthentication", "policy.linkerd.io/v1alpha1", "networkauthentications"),
)
RESOURCES = {resource.kind: resource for resource in _TABLE}
_AMBIGUOUS_PLURALS = {r.plural for r in _TABLE
                      if len({o.group_version.rpartition("/")[0] for o in _TABLE if o.plural == r.plural}) > 1}


def resource_for(kind: str) -> Resource:
    try:
        return RESOURCES[kind]
    except KeyError:
        raise InputError(f"unknown kind {kind!r} (known: {', '.join(sorted(RESOURCES))})") from None
