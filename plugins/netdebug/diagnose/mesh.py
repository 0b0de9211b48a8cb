"""Service-mesh sidecars on the backends: plain-text probes may be refused by mutual TLS."""
from ..model import objects
from ..model.findings import Finding

from ..model.kinds import MESH_ANNOTATIONS, SIDECARS

AMBIENT_LABEL = "istio.io/dataplane-mode"  # "ambient" on a namespace or pod (a pod's "none" opts out)


def sidecar_mesh(pod: dict) -> str | None:
    """The mesh whose proxy runs in this pod (a container or a native sidecar init container), if any."""
    spec = objects.spec(pod)
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if container.get("name") in SIDECARS:
            return SIDECARS[container["name"]]
    for key, mesh in MESH_ANNOTATIONS.items():
        if key in objects.annotations(pod):
            return mesh
    return None


def mesh_of(snapshot, pod: dict) -> str | None:
    """The mesh whose proxy handles the pod's traffic: its sidecar, or Istio ambient (pod label, else namespace)."""
    mode = objects.labels(pod).get(AMBIENT_LABEL) or snapshot.namespace_labels(objects.namespace(pod)).get(AMBIENT_LABEL)
    return sidecar_mesh(pod) or ("Istio" if mode == "ambient" else None)


def mesh_findings(service: dict, backends: list[dict]) -> list[Finding]:
    meshed = {objects.ref(p): sidecar_mesh(p) for p in backends}
    meshed = {ref: mesh for ref, mesh in meshed.items() if mesh}
    if not meshed:
        return []
    meshes = sorted(set(meshed.values()))
    return [Finding("mesh-sidecar", "info",
                    f"{len(meshed)} of {len(backends)} backends run a service-mesh sidecar ({', '.join(meshes)}): "
                    "probes from outside the mesh may be refused or reset by mutual TLS",
                    {"pods": sorted(meshed)[:10], "mesh": meshes},
                    "probe from a pod inside the mesh (--from): its mutual TLS and authorization policies "
                    "(PeerAuthentication, AuthorizationPolicy, Linkerd Server) are then checked for that client", f"Service {objects.ref(service)}")]
