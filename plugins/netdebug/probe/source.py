"""Where probes run from: a container of the source pod, or (opt-in) an ephemeral debug container in it."""
from dataclasses import dataclass

from ..errors import ClusterError, NotFoundError
from ..model import objects
from ..model.kinds import SIDECARS
from .tools import Toolset, detect_tools

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


@dataclass(frozen=True)
class Source:
    namespace: str
    pod: str
    container: str
    toolset: Toolset
    ephemeral: bool = False
    notes: tuple = ()

    @property
    def key(self) -> tuple[str, str, str]:
        """The run_probes `toolsets` key (and ProbeSpec.source) for this container."""
        return self.namespace, self.pod, self.container

    def to_dict(self) -> dict:
        return {"pod": f"{self.namespace}/{self.pod}", "container": self.container, "ephemeral": self.ephemeral,
                "toolset": self.toolset.to_dict(), "notes": list(self.notes)}


def choose_container(pod: dict, requested: str | None = None) -> str:
    """-c if given (must exist), else the default-container annotation, else the first non-sidecar."""
    names = [c.get("name") for c in objects.pod_containers(pod)]
    names += [c.get("name") for c in objects.spec(pod).get("ephemeralContainers") or []]
    if requested:
        if requested not in names:
            raise NotFoundError(f"container {requested!r} not found in pod {objects.ref(pod)} "
                                f"(containers: {', '.join(names) or 'none'})")
        return requested
    default = objects.annotations(pod).get(DEFAULT_CONTAINER_ANNOTATION)
    if default in names:
        return default
    regular = [c.get("name") for c in objects.pod_containers(pod)]
    if not regular:
        raise NotFoundError(f"pod {objects.ref(pod)} has no containers")
    return next((name for name in regular if name not in SIDECARS), regular[0])


def ephemeral_notice(namespace: str, pod: str, image: str) -> str:
    return (f"adding an ephemeral container (image {image}) to {namespace}/{pod} to probe from; "
            "Kubernetes cannot remove ephemeral containers: it stays until the pod is deleted")


def no_tool_hint(namespace: str, pod: str, container: str) -> str:
    return (f"container {container} of {namespace}/{pod} has no tool to probe with (no shell, nc, curl, wget, "
            "python or busybox); rerun with --ephemeral IMAGE (e.g. --ephemeral busybox) to probe from an "
            "ephemeral container in the same pod (it cannot be removed afterwards)")


def prepare_source(cluster, pod: dict, container: str | None = None, ephemeral_image: str | None = None,
                   timeout: float = 5.0, notify=None) -> Source:
    """Pick the container, add the ephemeral one if asked (notify() is told first), detect its tools.

    Failures to add or reach the container end up in Source.toolset.error, so the probes report
    "exec-failed" with the reason while the rest of the diagnosis still stands.
    """
    namespace, name = objects.namespace(pod), objects.name(pod)
    target = choose_container(pod, container)
    if not ephemeral_image:
        toolset = detect_tools(cluster, namespace, name, target, timeout)
        hint = (no_tool_hint(namespace, name, target),) if toolset.empty and not toolset.error else ()
        return Source(namespace, name, target, toolset, notes=hint)
    notice = ephemeral_notice(namespace, name, ephemeral_image)
    if notify:
        notify(notice)
    try:
        added = cluster.add_ephemeral_container(namespace, name, ephemeral_image, target_container=target)
    except ClusterError as err:
        return Source(namespace, name, target, Toolset(error=str(err)), ephemeral=True, notes=(notice,))
    return Source(namespace, name, added, detect_tools(cluster, namespace, name, added, timeout),
                  ephemeral=True, notes=(notice,))
