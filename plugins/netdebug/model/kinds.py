"""Kubernetes facts every layer shares, stated once: kinds, well-known names and labels."""

CLUSTER_DOMAIN = "cluster.local"  # the default; a pod's resolv.conf search list can show another
CLUSTER_DNS_CHECK = "kubernetes.default"  # resolves in every cluster through the search list: if not, cluster DNS is down

# Controllers whose pods a user may name instead of a pod (`deploy/web`), and every kind that owns pods.
POD_CONTROLLER_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
WORKLOAD_KINDS = (*POD_CONTROLLER_KINDS, "Job", "CronJob", "ReplicationController")
ADMIN_POLICY_KINDS = ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy")
# Service-mesh policies. Istio's and Linkerd's AuthorizationPolicy share a kind name (the API group tells
# them apart); live reads name Linkerd's, and the older Server version, in kubectl's kind.version.group form.
ISTIO_POLICY_KINDS = ("PeerAuthentication", "AuthorizationPolicy")
LINKERD_POLICY_KINDS = ("Server", "ServerAuthorization", "MeshTLSAuthentication", "NetworkAuthentication")
LINKERD_AUTHORIZATION_POLICY = "AuthorizationPolicy.policy.linkerd.io"
LINKERD_SERVER_V1BETA1 = "Server.v1beta1.policy.linkerd.io"  # Linkerd before 2.17 serves no v1beta3
MESH_POLICY_KINDS = (*ISTIO_POLICY_KINDS, *LINKERD_POLICY_KINDS, LINKERD_AUTHORIZATION_POLICY, LINKERD_SERVER_V1BETA1)
READ_AS = {LINKERD_AUTHORIZATION_POLICY: "AuthorizationPolicy", LINKERD_SERVER_V1BETA1: "Server"}  # the real kind
KNOWN_KINDS = (
    "Namespace", "Node", "Pod", "Service", "EndpointSlice", "Endpoints", "NetworkPolicy",
    "Ingress", "IngressClass", "Secret", "ConfigMap", "Event", *WORKLOAD_KINDS, *ADMIN_POLICY_KINDS,
    *MESH_POLICY_KINDS,
)
CLUSTER_SCOPED = ("Namespace", "Node", "IngressClass", *ADMIN_POLICY_KINDS)

# Service-mesh proxies by container name (a container or a native sidecar init container), and the
# annotations a mesh's injector leaves on the pod.
SIDECARS = {"istio-proxy": "Istio", "linkerd-proxy": "Linkerd", "envoy-sidecar": "Envoy", "envoy": "Envoy",
            "cilium-envoy": "Cilium", "kuma-sidecar": "Kuma", "consul-dataplane": "Consul"}
MESH_ANNOTATIONS = {"sidecar.istio.io/status": "Istio", "linkerd.io/proxy-version": "Linkerd"}

# Labels controllers stamp on pods; they change with every rollout or pod, so a fix never selects on them.
GENERATED_POD_LABELS = ("pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                        "apps.kubernetes.io/pod-index", "batch.kubernetes.io/controller-uid", "controller-uid",
                        "batch.kubernetes.io/job-name", "job-name", "pod-template-generation")

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"  # set by the API server on every Namespace
SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # links an EndpointSlice to its Service
