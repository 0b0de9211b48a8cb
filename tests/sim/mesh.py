"""A service mesh in the data plane: Istio mutual TLS as a plain-text client meets it.

A pod with an `istio-proxy` container is in the mesh. Where PeerAuthentication makes mutual TLS
STRICT (workload selector in the pod's namespace, else namespace-wide, else mesh-wide in
istio-system; `portLevelMtls` per container port), the pod's listeners accept only mesh peers: a
connection from any other address is reset right after the handshake, as the sidecar does with
plain text. Written from Istio's documented precedence, independently of netdebug's mesh checks.
"""
ROOT_NAMESPACE = "istio-system"
SIDECAR = "istio-proxy"


def in_mesh(pod: dict) -> bool:
    spec = pod.get("spec") or {}
    return any(c.get("name") == SIDECAR for c in (spec.get("containers") or []) + (spec.get("initContainers") or []))


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


def mesh_peers(objects: list[dict]) -> list[str]:
    return sorted({p["status"]["podIP"] for p in objects if p["kind"] == "Pod" and in_mesh(p)
                   and (p.get("status") or {}).get("podIP")})


def attach(sockets: list[dict], objects: list[dict]) -> None:
    """Mark the TCP listeners that require mutual TLS with the addresses allowed to talk to them."""
    pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in objects if p["kind"] == "Pod"}
    peers = mesh_peers(objects)
    for entry in sockets:
        pod = pods.get(entry["pod"])
        if pod is None or not in_mesh(pod) or entry["protocol"] != "TCP":
            continue
        strict, overrides = strict_ports(pod, objects)
        if overrides.get(entry["port"], strict):
            entry["mesh_peers"] = peers
