"""What every evaluating netpolicy command shares: the snapshot, the engine, endpoints and notes."""
import dataclasses
from typing import TYPE_CHECKING

from ..errors import InputError, NotFoundError
from ..model import objects
from ..model.gaps import Unanswerable, require
from ..model.kinds import ADMIN_POLICY_KINDS as ADMIN_KINDS, POD_CONTROLLER_KINDS
from ..model.selectors import matches, parse
from ..model.snapshot import Snapshot
from ..model.refs import POD_KINDS, parse_ref
from ..model.resolve import NameNotFound, Scope, Target, resolve
from .options import ClusterOptions
from .snapshot import load_snapshot

if TYPE_CHECKING:  # imported by the functions: `netpolicy SUB --help` does not load the engine
    from ..policy.engine import PolicyEngine
    from ..policy.peers import Endpoint

BASE_KINDS = ("Namespace", "Pod", "NetworkPolicy", "Node", *ADMIN_KINDS)
EVAL_KINDS = (*BASE_KINDS, *POD_CONTROLLER_KINDS)
INGRESS_CONTROLLER = "ingress-controller"  # the pseudo-endpoint: the ingress controller pods
HOST_NETWORK_NOTE = ("a hostNetwork pod is involved: NetworkPolicy behaviour for it is CNI-defined; netdebug's "
                     "model: its own side is not isolated, and as a peer it is node traffic (only ipBlock rules "
                     "covering its IP match it, never pod or namespace selectors)")
GAP_EFFECTS = {**{kind: "pods are shown without that workload" for kind in POD_CONTROLLER_KINDS},
               "Node": "admin-policy node peers and hostNetwork pods' addresses may be incomplete"}


def load_engine(options: ClusterOptions, extra_kinds: tuple = (), references: tuple[str, ...] | None = None
                ) -> tuple[Snapshot, "PolicyEngine"]:
    """Every namespace's pods and policies are read (peers cross namespaces); -n/-l only scope the answer.
    With `references` (what the command resolves), live reads list only the workload kinds they name
    (every ReplicaSet of a large cluster is much to read for nothing); a miss reads the rest to suggest.

    A policy the API server would reject is bad input: one line naming it, exit 2."""
    from ..policy.engine import PolicyEngine

    kinds = EVAL_KINDS if references is None else BASE_KINDS + workload_kinds_named(references)
    snapshot = load_snapshot(_every_namespace(options), kinds + extra_kinds)
    engine = PolicyEngine(snapshot)
    if engine.problems:
        more = f" (and {len(engine.problems) - 1} more problems)" if len(engine.problems) > 1 else ""
        problem = engine.problems[0]
        raise InputError(f"invalid {'' if problem.split(' ')[0] in ADMIN_KINDS else 'NetworkPolicy '}{problem}{more}")
    return snapshot, engine


def workload_kinds_named(references: tuple[str, ...]) -> tuple[str, ...]:
    """The workload kinds these references name (all of them for the ingress controller)."""
    kinds = []
    for text in (text.strip() for text in references):
        if text == INGRESS_CONTROLLER:
            return POD_CONTROLLER_KINDS
        try:
            kind = None if objects.is_ip(text) else parse_ref(text, POD_KINDS).kind
        except InputError:
            continue  # resolving it says what is wrong
        kinds += [kind] if kind in POD_CONTROLLER_KINDS else []
    return tuple(dict.fromkeys(kinds))


def _every_namespace(options: ClusterOptions) -> ClusterOptions:
    return options if options.offline else dataclasses.replace(options, all_namespaces=True, selector=None)


def _read_other_workloads(snapshot: Snapshot, options: ClusterOptions) -> bool:
    """After a miss: list the workload kinds a live read skipped, so the error can name what exists."""
    missing = tuple(kind for kind in POD_CONTROLLER_KINDS if kind not in snapshot.kinds_read)
    if options.offline or not snapshot.kinds_read or not missing:
        return False
    snapshot.merge(load_snapshot(_every_namespace(options), missing))
    snapshot.kinds_read += missing
    return True


def endpoint(target: Target) -> "Endpoint":
    from ..policy.peers import Endpoint

    return Endpoint.for_pod(target.pod) if target.pod is not None else Endpoint.for_ip(target.ip)


def resolve_endpoint(snapshot: Snapshot, text: str, options: ClusterOptions) -> tuple[Target, "Endpoint"]:
    """kubectl's rule: a name without a namespace lives in -n (else the context's namespace); -A: anywhere."""
    if text.strip() == INGRESS_CONTROLLER:
        target = ingress_controller(snapshot)
    else:
        scope = Scope(snapshot.namespace, options.all_namespaces)
        try:
            target = resolve(snapshot, text, scope)
        except NameNotFound:
            if not _read_other_workloads(snapshot, options):
                raise
            target = resolve(snapshot, text, scope)
    require_policies(snapshot, {objects.namespace(p) for p in target.pods[:1]}, f"cannot evaluate {text}")
    return target, endpoint(target)


def ingress_controller(snapshot: Snapshot, override: str | None = None) -> Target:
    """The pseudo-endpoint `ingress-controller`: the ingress controller pods, ready ones first."""
    from ..diagnose.ingress_controllers import all_controllers

    found = all_controllers(snapshot, override)
    if not found.pods:
        raise NotFoundError(f"no ingress controller pods found (by {found.source}); "
                            "name a controller pod instead, or use kubectl netpolicy ingress --ingress-controller")
    pods = sorted(found.pods, key=lambda p: (not objects.pod_ready(p), objects.ref(p)))
    ips = objects.pod_ips(pods[0])
    return Target(INGRESS_CONTROLLER, pod=pods[0], ip=ips[0] if ips else None,
                  workload=f"ingress controller ({found.source})", pods=tuple(pods))


def target_dict(target: Target) -> dict:
    return {"ref": target.ref, "kind": "pod" if target.pod is not None else "ip", "workload": target.workload,
            "pods": [objects.ref(p) for p in target.pods]}


def scoped_pods(snapshot: Snapshot, options: ClusterOptions, default_all: bool = True) -> list[dict]:
    """Pods in scope: -n NS (else every namespace when default_all), filtered by -l."""
    pods = snapshot.of("Pod")
    if options.namespace and not options.all_namespaces:
        pods = [p for p in pods if objects.namespace(p) == options.namespace]
    elif not default_all:
        pods = []
    if options.selector:
        selector = parse(options.selector)
        pods = [p for p in pods if matches(selector, objects.labels(p))]
    if not pods and (default_all or options.namespace):
        require(snapshot.gaps, "Pod", None if options.all_namespaces else options.namespace, "no pods to answer for")
    return pods


def require_policies(snapshot: Snapshot, namespaces, consequence: str) -> None:
    """Exit 3 when policies that may select pods of these namespaces could not be read.

    A NetworkPolicy selects pods of its own namespace only; admin policies select anywhere (and are
    often simply not installed: `not served` is no gap in the answer)."""
    for ns in sorted(namespaces):
        require(snapshot.gaps, "NetworkPolicy", ns, consequence)
    from ..kube.policies import without_unserved  # admin policy CRDs are often simply not installed

    for kind in ADMIN_KINDS:
        require(without_unserved(snapshot.gaps), kind, None, consequence)
    from ..policy.namespace_labels import unseen_namespace_labels

    labels_gap = unseen_namespace_labels(snapshot)  # a namespaceSelector on other labels may match otherwise
    if labels_gap is not None:
        raise Unanswerable(labels_gap, f"{consequence}: policies select namespaces by their labels")


def notes(snapshot: Snapshot, sides=(), pods=()) -> list[str]:
    """What the answer could not see or cannot promise, as sentences for every output format.

    `sides`: DirectionVerdict dicts of a check; `pods`: the pods the answer shows."""
    from ..kube.policies import without_unserved  # admin policy CRDs are often simply not installed

    found = [f"{g.sentence}; {GAP_EFFECTS.get(g.kind, 'the answer may be wrong')}"
             for g in without_unserved(snapshot.gaps)]
    if any(side["cniDefined"] for side in sides) or any(objects.host_network(pod) for pod in pods if pod):
        found.append(HOST_NETWORK_NOTE)
    return found + _addressless(snapshot, pods)


def _addressless(snapshot: Snapshot, pods) -> list[str]:
    """Live pods without an IP yet (Pending): policy answers for them, no connection can happen now.
    (Pods from files have no status at all: nothing to say.)"""
    waiting = [pod for pod in pods if pod and snapshot.origin == "live" and not objects.pod_ips(pod)]
    if not waiting:
        return []
    shown = ", ".join(f"{objects.ref(pod)} ({(pod.get('status') or {}).get('phase') or 'no status'})"
                      for pod in waiting[:3])
    more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
    return [f"{len(waiting)} pod(s) have no IP yet: {shown}{more}; their rows say what policy allows once "
            "they get one, not what can connect now"]
