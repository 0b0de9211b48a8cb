"""Which pods are the ingress controller: by IngressClass controller family and well-known labels.

One place for every command (svcdebug's policy check, netpolicy ingress/check/matrix). A user's
`--ingress-controller NS/SELECTOR` overrides the guess. Pure: reads a Snapshot only.
"""
import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import objects
from ..model.selectors import matches, parse, to_string
from ..model.snapshot import Snapshot
from .ingress import CLASS_ANNOTATION, DEFAULT_CLASS

NAME_KEYS = ("app.kubernetes.io/name", "app", "k8s-app")
COMPONENT = "app.kubernetes.io/component"
_NAMESPACE = re.compile(r"^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$")


@dataclass(frozen=True)
class Family:
    """One ingress controller product: its IngressClass controller prefixes and its pods' labels."""

    name: str
    controllers: tuple  # spec.controller values (prefixes) of its IngressClasses
    names: tuple  # values of app.kubernetes.io/name, app or k8s-app on its data-plane pods
    components: tuple = ()  # when a pod sets app.kubernetes.io/component, the data-plane values

    def owns(self, pod: dict) -> bool:
        labels = objects.labels(pod)
        if not any(labels.get(key) in self.names for key in NAME_KEYS):
            return False
        return not self.components or labels.get(COMPONENT, self.components[0]) in self.components


FAMILIES = (
    Family("ingress-nginx", ("k8s.io/ingress-nginx",), ("ingress-nginx",), ("controller",)),
    Family("nginx-ingress", ("nginx.org/ingress-controller",), ("nginx-ingress",)),
    Family("traefik", ("traefik.io/ingress-controller",), ("traefik", "traefik-ingress-lb")),
    Family("haproxy-ingress", ("haproxy-ingress.github.io/controller",), ("haproxy-ingress",)),
    Family("haproxy", ("haproxy.org/ingress-controller",), ("kubernetes-ingress",)),
    Family("contour", ("projectcontour.io/",), ("envoy", "contour"), ("envoy",)),  # envoy pods carry the traffic
    Family("kong", ("ingress-controllers.konghq.com/",), ("kong",)),
)
CONTROLLER_NAMES = tuple(sorted({n for family in FAMILIES for n in family.names}))
# Controllers whose traffic comes from a cloud load balancer, not from pods in the cluster.
OUTSIDE = ("ingress.k8s.aws/alb", "k8s.io/ingress-gce", "azure/application-gateway", "networking.gke.io/")


@dataclass(frozen=True)
class Controllers:
    pods: tuple  # the controller pods (dicts)
    source: str  # how they were found, for the reader
    notes: tuple = ()


def parse_override(text: str) -> tuple[str | None, dict]:
    """`NS/SELECTOR` (NS `*`: every namespace) -> (namespace or None, selector dict)."""
    namespace, _, selector = text.partition("/")
    if not selector.strip() or not _NAMESPACE.match(namespace):
        raise InputError(f"--ingress-controller {text!r}: use NS/SELECTOR, e.g. "
                         "ingress-nginx/app.kubernetes.io/name=ingress-nginx (NS * for every namespace)")
    return (None if namespace == "*" else namespace), parse(selector)


def family_of(controller: str) -> Family | None:
    return next((f for f in FAMILIES if any(controller.startswith(c) for c in f.controllers)), None)


def _running(pod: dict) -> bool:
    return objects.status(pod).get("phase") not in ("Succeeded", "Failed")


def _controller_class_arg(pod: dict) -> str | None:
    """ingress-nginx's `--controller-class=...`: a second installation serves another class."""
    for container in objects.pod_containers(pod):
        for arg in (container.get("args") or []) if isinstance(container, dict) else []:
            if isinstance(arg, str) and arg.startswith("--controller-class="):
                return arg.split("=", 1)[1]
    return None


def family_pods(snapshot: Snapshot, family: Family | None = None, controller: str | None = None) -> list[dict]:
    """Running pods of this family (any known family when None); with a controller string, pods that
    declare another --controller-class are left out."""
    families = (family,) if family else FAMILIES
    pods = [p for p in snapshot.of("Pod") if _running(p) and any(f.owns(p) for f in families)]
    if controller:
        pods = [p for p in pods if _controller_class_arg(p) in (None, controller)]
    return sorted(pods, key=objects.ref)


def override_pods(snapshot: Snapshot, override: str) -> Controllers:
    namespace, selector = parse_override(override)
    pods = [p for p in snapshot.in_namespace("Pod", namespace) if _running(p) and matches(selector, objects.labels(p))]
    where = namespace or "every namespace"
    notes = () if pods else (f"--ingress-controller: no pod in {where} matches {to_string(selector)}",)
    return Controllers(tuple(sorted(pods, key=objects.ref)), f"--ingress-controller {override}", notes)


def all_controllers(snapshot: Snapshot, override: str | None = None) -> Controllers:
    """Every ingress controller pod (no Ingress in view): the override, else the well-known labels."""
    if override:
        return override_pods(snapshot, override)
    return Controllers(tuple(family_pods(snapshot)), "well-known ingress controller labels")


def ingress_class(snapshot: Snapshot, ingress: dict) -> tuple[str | None, dict | None]:
    """(class name, IngressClass object or None): spec.ingressClassName, the old annotation, or the default."""
    name = objects.spec(ingress).get("ingressClassName") or objects.annotations(ingress).get(CLASS_ANNOTATION)
    if name:
        return name, snapshot.get("IngressClass", None, name)
    default = [c for c in snapshot.of("IngressClass") if objects.annotations(c).get(DEFAULT_CLASS) == "true"]
    return (objects.name(default[0]), default[0]) if len(default) == 1 else (None, None)


def controllers_for(snapshot: Snapshot, ingress: dict, override: str | None = None) -> Controllers:
    """The pods that serve this Ingress: by override, else by its class's controller family."""
    if override:
        return override_pods(snapshot, override)
    name, klass = ingress_class(snapshot, ingress)
    controller = objects.spec(klass).get("controller", "") if klass else ""
    if any(controller.startswith(prefix) for prefix in OUTSIDE):
        return Controllers((), f"IngressClass {name} ({controller})", (
            f"controller {controller} sends traffic from a cloud load balancer, not from pods: "
            "policies must admit the load balancer's addresses (ipBlock)",))
    family = family_of(controller) if controller else None
    if family is not None:
        pods = family_pods(snapshot, family, controller)
        notes = () if pods else (f"no {family.name} controller pods found for IngressClass {name} ({controller}); "
                                 "use --ingress-controller NS/SELECTOR",)
        return Controllers(tuple(pods), f"IngressClass {name} ({controller})", notes)
    return _guessed(snapshot, name, controller)


def _guessed(snapshot: Snapshot, name: str | None, controller: str) -> Controllers:
    why = (f"IngressClass {name} has controller {controller}, not a known family" if controller else
           f"IngressClass {name} not found" if name else "the Ingress names no class and there is no default class")
    pods = family_pods(snapshot)
    notes = (f"{why}: taking every pod with well-known ingress controller labels",) if pods else \
        (f"{why}, and no pod has well-known ingress controller labels; use --ingress-controller NS/SELECTOR",)
    return Controllers(tuple(pods), "well-known ingress controller labels", notes)
