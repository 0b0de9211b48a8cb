"""Static checks on one Service: does it exist, does its selector find pods, are its endpoints ready.

Pure functions over a Snapshot returning Findings; netpath reuses them for Service hops.
"""
import difflib

from ..model import objects
from ..model.refs import parse_ref
from ..model.snapshot import Snapshot
from .endpoints import EndpointView
from ..model.findings import Finding
from ..model.gaps import unreadable
from .pod_state import not_ready_reason, pod_events

LISTED = 10  # pods listed in evidence before "... and N more"


def parse_service_ref(text: str, default_namespace: str) -> tuple[str, str]:
    """`name`, `ns/name`, `svc/name`, `svc/ns/name` or `ns/svc/name` -> (namespace, name)."""
    ref = parse_ref(text, ("Service",), "Service")
    return ref.namespace or default_namespace, ref.name


def subject(service: dict) -> str:
    return f"Service {objects.ref(service)}"


def service_type(service: dict) -> str:
    return objects.spec(service).get("type") or "ClusterIP"


def is_headless(service: dict) -> bool:
    return objects.spec(service).get("clusterIP") == "None"


def selector_of(service: dict) -> dict:
    return objects.spec(service).get("selector") or {}


def selected_pods(snapshot: Snapshot, service: dict) -> list[dict]:
    selector = selector_of(service)
    if not selector:
        return []
    pods = snapshot.in_namespace("Pod", objects.namespace(service))
    return [p for p in pods if _selects(selector, objects.labels(p))]


def _selects(selector: dict, labels: dict) -> bool:
    """A Service selector is equality-based: every key present with that value."""
    return all(labels.get(key) == value for key, value in selector.items())


def not_found(snapshot: Snapshot, ns: str, name: str) -> Finding:
    here = [objects.name(s) for s in snapshot.in_namespace("Service", ns)]
    similar = difflib.get_close_matches(name, here, n=3, cutoff=0.6)
    elsewhere = sorted(objects.namespace(s) for s in snapshot.of("Service") if objects.name(s) == name)
    evidence = {"namespace": ns, "similar names": similar, "same name in namespaces": elsewhere}
    hints = [f"{ns}/{n}" for n in similar] + [f"{other}/{name}" for other in elsewhere]
    fix = f"did you mean {' or '.join(hints)}?" if hints else \
        f"create the Service, or check the namespace (-n); {len(here)} Services in {ns}"
    return Finding("service-not-found", "error", f"Service {name} not found in namespace {ns}",
                   {k: v for k, v in evidence.items() if v}, fix, f"Service {ns}/{name}")


def selector_findings(snapshot: Snapshot, service: dict, view: EndpointView) -> list[Finding]:
    if service_type(service) == "ExternalName":
        return []
    selector = selector_of(service)
    if not selector:
        return [] if view.endpoints else [_selectorless(service, view)]
    if selected_pods(snapshot, service) or unreadable(snapshot.gaps, "Pod", objects.namespace(service)):
        return []  # pods we may not list cannot prove the selector wrong
    return [_no_match(snapshot, service, selector)]


def _selectorless(service: dict, view: EndpointView) -> Finding:
    return Finding("selectorless-no-endpoints", "error",
                   f"{subject(service)} has no selector and nobody created endpoints for it",
                   {"selector": "<none>", "endpoints": f"none in {view.source or 'the files'}"},
                   "add a selector, or create an EndpointSlice labelled "
                   f"kubernetes.io/service-name={objects.name(service)} with the backend addresses",
                   subject(service))


def _no_match(snapshot: Snapshot, service: dict, selector: dict) -> Finding:
    ns = objects.namespace(service)
    pods = snapshot.in_namespace("Pod", ns)
    wanted = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    evidence: dict = {"selector": wanted, "pods in namespace": len(pods)}
    misses = nearest_misses(selector, pods)
    if misses:
        evidence["nearest pods"] = misses
    elsewhere = [objects.ref(p) for p in snapshot.of("Pod")
                 if objects.namespace(p) != ns and _selects(selector, objects.labels(p))]
    if elsewhere:
        evidence["matching pods in other namespaces"] = elsewhere[:LISTED]
    fix = "make the Service selector and the pod template labels agree"
    if misses:
        fix += f" (e.g. {misses[0]['differs'][0]})"
    message = f"the selector {wanted} of {subject(service)} matches no pod in {ns}"
    if elsewhere:  # a Service selects pods of its own namespace only: it was likely created in the wrong one
        where = sorted({ref.split("/")[0] for ref in elsewhere})
        message += f"; pods in namespace {', '.join(where)} match it"
        fix = f"create the Service in namespace {where[0]}, where its pods run (a Service selects pods of its own " \
              f"namespace only); clients then use {objects.name(service)}.{where[0]}"
    return Finding("selector-no-match", "error", message, evidence, fix, subject(service))


def nearest_misses(selector: dict, pods: list[dict], limit: int = 3) -> list[dict]:
    """Pods whose labels differ least from the selector (one per distinct label set)."""
    scored, seen = [], set()
    for pod in pods:
        labels = objects.labels(pod)
        key = tuple(sorted(labels.items()))
        if key in seen:
            continue
        seen.add(key)
        differs = [_label_difference(k, v, labels) for k, v in sorted(selector.items()) if labels.get(k) != v]
        scored.append((len(differs), -_closeness(selector, labels), objects.ref(pod), differs))
    scored.sort()
    return [{"pod": ref, "differs": differs} for _, _, ref, differs in scored[:limit]]


def _closeness(selector: dict, labels: dict) -> float:
    """How alike the selector's terms are to the pod's labels (1.0: identical): app=frontend ~ app=front-end."""
    terms = [f"{k}={v}" for k, v in labels.items()]
    if not terms:
        return 0.0
    best = [max(difflib.SequenceMatcher(None, f"{k}={v}", term).ratio() for term in terms)
            for k, v in selector.items()]
    return sum(best) / len(best)


def _label_difference(key: str, value: str, labels: dict) -> str:
    if key in labels:
        return f"selector {key}={value}, pod has {key}={labels[key]}"
    similar = difflib.get_close_matches(key, list(labels), n=1, cutoff=0.6)
    if similar:
        return f"selector {key}={value}, pod has {similar[0]}={labels[similar[0]]}"
    return f"selector {key}={value}, pod has no label {key}"


def endpoint_findings(snapshot: Snapshot, service: dict, view: EndpointView) -> list[Finding]:
    """no-endpoints / endpoints-not-ready, with each not-ready pod's reason."""
    if service_type(service) == "ExternalName":
        return []
    if view.not_ready:  # also for hand-made endpoints, or pods we may not list
        by_ref = {objects.ref(p): p for p in snapshot.in_namespace("Pod", objects.namespace(service))}
        reasons = [_endpoint_reason(snapshot, e, by_ref.get(e.pod)) for e in view.not_ready]
        return [_not_ready(service, reasons, len(view.ready), len(view.endpoints), view.source)]
    pods = selected_pods(snapshot, service)
    if not pods or view.endpoints:
        return []
    if view.source is None:
        return _not_ready_from_pods(snapshot, service, pods)
    return [_no_endpoints(snapshot, service, pods, view)]


def _endpoint_reason(snapshot: Snapshot, endpoint, pod: dict | None) -> dict:
    if pod is None:
        detail = "terminating" if endpoint.terminating else "not ready (pod not visible)"
        return {"pod": endpoint.pod or endpoint.ip, "reason": "not-ready", "detail": detail}
    return not_ready_reason(pod, pod_events(snapshot, pod))


def _not_ready_from_pods(snapshot: Snapshot, service: dict, pods: list[dict]) -> list[Finding]:
    """Without EndpointSlices (offline, or not allowed to list them): judge pods that carry a status."""
    known = [p for p in pods if objects.status(p).get("phase")]
    unready = [p for p in known if not objects.pod_ready(p)]
    if not unready:
        return []
    reasons = [not_ready_reason(p, pod_events(snapshot, p)) for p in unready]
    return [_not_ready(service, reasons, len(known) - len(unready), len(known), "pod status")]


def _no_endpoints(snapshot: Snapshot, service: dict, pods: list[dict], view: EndpointView) -> Finding:
    evidence = {"selected pods": [_pod_line(p) for p in pods[:LISTED]], "endpoints source": view.source}
    if view.objects:
        evidence["objects"] = view.objects
    reasons = [not_ready_reason(p, pod_events(snapshot, p)) for p in pods if not objects.pod_ready(p)]
    if reasons:
        evidence["not ready"] = reasons[:LISTED]
    return Finding("no-endpoints", "error",
                   f"{subject(service)} selects {len(pods)} pod(s) but has no endpoints",
                   evidence, "pods get endpoints once they have an IP; fix the pods' state, or check the "
                   "EndpointSlice controller (kube-controller-manager)", subject(service))


def _not_ready(service: dict, reasons: list[dict], ready: int, total: int, source: str) -> Finding:
    severity = "error" if ready == 0 else "warning"
    evidence = {"ready": f"{ready}/{total}", "source": source, "not ready": reasons[:LISTED]}
    if len(reasons) > LISTED:
        evidence["more not ready"] = len(reasons) - LISTED
    return Finding("endpoints-not-ready", severity,
                   f"{subject(service)} has {ready} of {total} endpoints ready", evidence,
                   _not_ready_fix(reasons), subject(service))


def _not_ready_fix(reasons: list[dict]) -> str:
    kinds = {r["reason"] for r in reasons}
    if "crash-loop" in kinds:
        return "read the crashing container's logs (kubectl logs --previous) and fix its start-up"
    if "image-pull" in kinds:
        return "fix the image name/tag or the registry credentials (imagePullSecrets)"
    if "readiness-probe-failing" in kinds:
        return "make the readiness probe pass: check its path/port against what the app serves"
    if "pending" in kinds:
        return "the pods are not scheduled or started: see the scheduling message"
    return "make the pods ready (kubectl describe pod shows why they are not)"


def _pod_line(pod: dict) -> str:
    ips = ",".join(objects.pod_ips(pod)) or "no IP"
    return f"{objects.ref(pod)} phase={objects.status(pod).get('phase', 'unknown')} ip={ips}"
