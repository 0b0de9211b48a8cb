"""A small cluster with every kind the plugins read: the valid starting point the fuzzer mutates."""


def meta(name: str, namespace: str | None = "shop", **labels) -> dict:
    found = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {**found, "labels": labels} if labels else found


def pod(name: str, ip: str, namespace: str = "shop", host_network: bool = False, **labels) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, namespace, **labels),
            "spec": {"nodeName": "n1", "hostNetwork": host_network, "containers": [
                {"name": "main", "image": "app", "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                 "readinessProbe": {"tcpSocket": {"port": "http"}}}]},
            "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "192.168.0.10",
                       "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": "main", "ready": True, "restartCount": 0,
                                              "state": {"running": {}}}]}}


def policy(name: str, spec: dict, namespace: str = "shop") -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name, namespace),
            "spec": spec}


def seed_objects() -> list[dict]:
    web_selector = {"matchLabels": {"app": "web"}}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("shop", None, team="a")},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("other", None)},
        {"apiVersion": "v1", "kind": "Node", "metadata": meta("n1", None),
         "spec": {"podCIDR": "10.0.0.0/24"},
         "status": {"addresses": [{"type": "InternalIP", "address": "192.168.0.10"}],
                    "conditions": [{"type": "Ready", "status": "True"}]}},
        pod("web", "10.0.0.1", app="web"), pod("api", "10.0.0.2", app="api"),
        pod("client", "10.0.0.3", namespace="other", app="client"),
        pod("host", "192.168.0.10", host_network=True, app="web"),
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web"),
         "spec": {"replicas": 1, "selector": web_selector,
                  "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod("x", "10.0.0.9")["spec"]}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": meta("web"),
         "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "selector": {"app": "web"},
                  "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": meta("web-abc", **{"kubernetes.io/service-name": "web"}), "addressType": "IPv4",
         "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": True}, "nodeName": "n1",
                        "targetRef": {"kind": "Pod", "name": "web", "namespace": "shop"}}],
         "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]},
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta("nginx", None),
         "spec": {"controller": "k8s.io/ingress-nginx"}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("web"),
         "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example", "http": {"paths": [
             {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}},
        policy("api-from-web", {"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": ["Ingress"],
                                "ingress": [{"from": [{"podSelector": web_selector}],
                                             "ports": [{"port": 8080, "protocol": "TCP"}]}]}),
        policy("web-egress", {"podSelector": web_selector, "policyTypes": ["Egress"],
                              "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.9.0.0/16"]}},
                                                 {"namespaceSelector": {"matchExpressions": [
                                                     {"key": "team", "operator": "In", "values": ["a"]}]}}],
                                          "ports": [{"port": "http"}, {"port": 53, "protocol": "UDP"}]}]}),
        {"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy", "metadata": meta("deny", None),
         "spec": {"priority": 10, "subject": {"namespaces": {"matchLabels": {"team": "a"}}},
                  "ingress": [{"name": "x", "action": "Deny", "from": [{"namespaces": {}}],
                               "ports": [{"portNumber": {"protocol": "TCP", "port": 9090}}]}]}},
    ]
