"""A service mesh in the data plane: mutual TLS as a plain-text client meets it.

A pod with an `istio-proxy` (Istio) or `linkerd-proxy` (Linkerd) container is in that mesh. Istio:
where PeerAuthentication makes mutual TLS STRICT (workload selector in the pod's namespace, else
namespace-wide, else mesh-wide in istio-system; `portLevelMtls` per container port). Linkerd: where
`config.linkerd.io/default-inbound-policy` (pod, else namespace) is `all-authenticated` or `deny`.
There the pod's listeners accept only peers of the same mesh (none for `deny`): any other connection
is reset right after the handshake, as the proxy does with plain text. Written from the meshes'
documented rules, independently of netdebug's mesh checks.
"""
from .mesh_authz import has_server, refused_peers

ROOT_NAMESPACE = "istio-system"
SIDECARS = {"istio-proxy": "Istio", "linkerd-proxy": "Linkerd"}
LINKERD_POLICY = "config.linkerd.io/default-inbound-policy"


def mesh_of(pod: dict) -> str | None:
    spec = pod.get("spec") or {}
    return next((SIDECARS[c.get("name")] for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
                 if c.get("name") in SIDECARS), None)


def strict_ports(pod: dict, objects: list[dict]) -> tuple[bool, dict]:
    """(STRICT for the pod, {port: STRICT?} overrides) from the PeerAuthentication that applies."""
    policy = _applying(pod, [o for o in objects if o["kind"] == "PeerAuthentication"])
    if policy is None:
        return False, {}
    spec = policy.get("spec") or {}
    overrides = {int(port): (mode.get("mode") == "STRICT") for port, mode in (spec.get("portLevelMtls") or {}).items()}
    return (spec.get("mtls") or {}).get("mode") == "STRICT", overrides


def _applying(pod: dict, policies: list[dict]) -> dict | None:
    namespace, labels = pod["metadata"]["namespace"], pod["metadata"].get("labels") or {}
    here = [p for p in policies if p["metadata"].get("namespace") == namespace]
    for policy in here:
        wanted = ((policy.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        if wanted and all(labels.get(k) == v for k, v in wanted.items()):
            return policy
    namespace_wide = [p for p in here if not ((p.get("spec") or {}).get("selector") or {}).get("matchLabels")]
    mesh_wide = [p for p in policies if p["metadata"].get("namespace") == ROOT_NAMESPACE
                 and not ((p.get("spec") or {}).get("selector") or {}).get("matchLabels")]
    return (namespace_wide or mesh_wide or [None])[0]


def mesh_peers(objects: list[dict], mesh: str) -> list[str]:
    return sorted({p["status"]["podIP"] for p in objects if p["kind"] == "Pod" and mesh_of(p) == mesh
                   and (p.get("status") or {}).get("podIP")})


def attach(sockets: list[dict], objects: list[dict]) -> None:
    """Mark the TCP listeners that require mutual TLS with the addresses allowed to talk to them, and
    those whose authorization policy refuses some peers (mesh_authz.py)."""
    pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in objects if p["kind"] == "Pod"}
    for entry in sockets:
        pod = pods.get(entry["pod"])
        mesh = mesh_of(pod) if pod is not None and entry["protocol"] == "TCP" else None
        if mesh is not None:
            entry["mesh_refused"] = refused_peers(pod, objects, mesh, entry["port"], _port_name(pod, entry["port"]))
        if mesh == "Istio":
            strict, overrides = strict_ports(pod, objects)
            if overrides.get(entry["port"], strict):
                entry["mesh_peers"] = mesh_peers(objects, mesh)
        elif mesh == "Linkerd" and not has_server(pod, objects, entry["port"], _port_name(pod, entry["port"])):
            policy = _linkerd_policy(pod, objects)
            if policy in ("all-authenticated", "deny"):
                entry["mesh_peers"] = mesh_peers(objects, mesh) if policy == "all-authenticated" else []


def _linkerd_policy(pod: dict, objects: list[dict]) -> str | None:
    namespace = next((o for o in objects if o["kind"] == "Namespace"
                      and o["metadata"]["name"] == pod["metadata"]["namespace"]), {})
    for obj in (pod, namespace):
        value = ((obj.get("metadata") or {}).get("annotations") or {}).get(LINKERD_POLICY)
        if value:
            return value
    return None


def _port_name(pod: dict, port: int) -> str | None:
    return next((p.get("name") for c in pod["spec"]["containers"] for p in c.get("ports") or []
                 if p.get("containerPort") == port), None)
