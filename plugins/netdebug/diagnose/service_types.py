"""Type-specific checks: LoadBalancer, externalTrafficPolicy Local, NodePort, ExternalName, headless."""
import re

from ..model import objects
from ..model.snapshot import Snapshot
from .endpoints import EndpointView
from ..model.findings import Finding
from .service import is_headless, service_type, subject

LABEL = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
DNS_NAME = re.compile(rf"^(?=.{{1,253}}\.?$){LABEL}(\.{LABEL})*\.?$")


def type_findings(snapshot: Snapshot, service: dict, view: EndpointView) -> list[Finding]:
    kind = service_type(service)
    found = []
    if kind == "LoadBalancer" and snapshot.origin == "live":
        found += lb_pending(service)
    if kind in ("LoadBalancer", "NodePort"):
        found += etp_local(snapshot, service, view)
        found.append(nodeport_facts(snapshot, service, view))
    if kind == "ExternalName":
        found += externalname_invalid(service)
    if is_headless(service):
        found.append(headless_facts(snapshot, service))
    found += statefulset_links(snapshot, service)
    return found


def lb_addresses(service: dict) -> list[str]:
    ingress = (objects.status(service).get("loadBalancer") or {}).get("ingress") or []
    return [i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")]


def lb_pending(service: dict) -> list[Finding]:
    if lb_addresses(service):
        return []
    spec = objects.spec(service)
    evidence = {"type": "LoadBalancer", "status.loadBalancer.ingress": "<pending>"}
    if spec.get("loadBalancerClass"):
        evidence["loadBalancerClass"] = spec["loadBalancerClass"]
    return [Finding("lb-pending", "warning",
                    f"{subject(service)} is a LoadBalancer with no external address yet: no cloud controller "
                    "or load-balancer implementation has answered", evidence,
                    "install/fix the load-balancer implementation (cloud controller manager, MetalLB, ...) "
                    "or check its logs/events for this Service; inside the cluster the ClusterIP still works",
                    subject(service))]


def etp_local(snapshot: Snapshot, service: dict, view: EndpointView) -> list[Finding]:
    """externalTrafficPolicy Local: nodes without a ready local endpoint drop external traffic. Behind a
    load balancer that is by design (its health check skips them): info. For bare NodePorts a client may
    pick any node: warning. No local endpoint anywhere: error."""
    if objects.spec(service).get("externalTrafficPolicy") != "Local" or view.source is None:
        return []
    nodes = [objects.name(n) for n in snapshot.of("Node")]
    if any(e.node is None for e in view.ready):
        return []  # an endpoint on an unknown node: which nodes lack one cannot be told
    local = sorted({e.node for e in view.ready if e.node})
    without = [n for n in nodes if n not in local]
    if not nodes or not without:
        return []
    balanced = service_type(service) == "LoadBalancer"
    severity = "error" if not local else ("info" if balanced else "warning")
    health = "; the load balancer's health check (healthCheckNodePort) sends traffic only to the others, " \
             "by design" if balanced and local else ""
    return [Finding("etp-local-no-endpoints", severity,
                    f"{subject(service)} has externalTrafficPolicy Local: {len(without)} of {len(nodes)} nodes have "
                    f"no ready local endpoint and drop external traffic{health}",
                    {"nodes without a ready endpoint": without, "nodes with one": local},
                    "" if severity == "info" else
                    "send external traffic only to nodes with a local endpoint (the LB health check on "
                    "healthCheckNodePort does this), spread the pods, or use externalTrafficPolicy Cluster",
                    subject(service))]


def nodeport_facts(snapshot: Snapshot, service: dict, view: EndpointView | None = None) -> Finding:
    ports = [f"{p.get('nodePort', '<unassigned>')}/{p.get('protocol', 'TCP')} -> {p.get('port')}"
             for p in objects.spec(service).get("ports") or []]
    local = objects.spec(service).get("externalTrafficPolicy") == "Local" and view is not None and view.source
    serving = {e.node for e in view.ready} if local else None
    nodes = [n for n in snapshot.of("Node") if serving is None or objects.name(n) in serving]
    addresses = [line for node in nodes for line in _node_address_lines(node)]
    evidence = {"node ports": ports, "node addresses": addresses or ["<nodes not visible>"]}
    where = "on the nodes with a ready endpoint (externalTrafficPolicy Local)" if local else "on every node's address"
    return Finding("nodeport-facts", "info", f"{subject(service)} is reachable {where} at its node port(s)",
                   evidence, "", subject(service))


def _node_address_lines(node: dict) -> list[str]:
    """`node-1 172.18.0.2` per InternalIP/ExternalIP; a node that publishes neither says so (it has no address here)."""
    found = [a.get("address") for a in objects.status(node).get("addresses") or []
             if a.get("type") in ("InternalIP", "ExternalIP")]
    return [f"{objects.name(node)} {address}" for address in found] or [f"{objects.name(node)} <no InternalIP or ExternalIP>"]


def externalname_invalid(service: dict) -> list[Finding]:
    target = objects.spec(service).get("externalName") or ""
    problem = None
    if not target:
        problem = "externalName is empty"
    elif objects.is_ip(target):
        problem = "externalName is an IP address; DNS returns it as a CNAME target, which clients cannot resolve"
    elif not DNS_NAME.match(target.lower()):
        problem = "externalName is not a valid DNS name"
    if problem is None:
        return []
    return [Finding("externalname-unresolvable", "error", f"{subject(service)}: {problem}",
                    {"externalName": target or "<empty>"},
                    "set externalName to a DNS name (for an IP, use a selectorless Service with an EndpointSlice)",
                    subject(service))]


def headless_facts(snapshot: Snapshot, service: dict) -> Finding:
    ns, name = objects.namespace(service), objects.name(service)
    evidence = {"clusterIP": "None",
                "DNS": f"{name}.{ns}.svc returns the ready pod IPs; no virtual IP, no load balancing, "
                       "no port remapping (clients use the container port)"}
    remapped = [f"{p.get('port')} -> {p.get('targetPort')}" for p in objects.spec(service).get("ports") or []
                if isinstance(p.get("targetPort"), int) and p["targetPort"] != p.get("port")]
    if remapped:
        evidence["ports whose targetPort differs (clients must use the targetPort)"] = remapped
    sets = [objects.ref(s) for s in snapshot.in_namespace("StatefulSet", ns)
            if objects.spec(s).get("serviceName") == name]
    if sets:
        evidence["StatefulSets using it (per-pod names POD.%s.%s.svc)" % (name, ns)] = sets
    return Finding("headless-service", "info", f"{subject(service)} is headless", evidence, "", subject(service))


def statefulset_links(snapshot: Snapshot, service: dict) -> list[Finding]:
    """A StatefulSet's serviceName must be a headless Service for per-pod DNS names to exist."""
    if is_headless(service):
        return []
    name = objects.name(service)
    sets = [objects.ref(s) for s in snapshot.in_namespace("StatefulSet", objects.namespace(service))
            if objects.spec(s).get("serviceName") == name]
    if not sets:
        return []
    return [Finding("statefulset-service-not-headless", "warning",
                    f"StatefulSet(s) name {subject(service)} as serviceName, but it is not headless: "
                    "per-pod DNS names (pod.service) will not resolve",
                    {"statefulSets": sets, "clusterIP": objects.spec(service).get("clusterIP", "<auto>")},
                    "set clusterIP: None on the governing Service (or add a separate headless Service)",
                    subject(service))]


def itp_local(service: dict, view: EndpointView, client: dict | None) -> list[Finding]:
    """internalTrafficPolicy Local: a client's connections to the ClusterIP go only to endpoints on its own
    node; none there and they are dropped. Unknown endpoint nodes or a client without a node: no answer."""
    node = objects.spec(client).get("nodeName") if client else None
    if objects.spec(service).get("internalTrafficPolicy") != "Local" or not node or view.source is None \
            or is_headless(service):
        return []
    if any(e.node is None for e in view.ready):
        return []
    local = sorted({e.node for e in view.ready})
    if node in local:
        return []
    return [Finding("itp-local-no-endpoint", "error",
                    f"{subject(service)} has internalTrafficPolicy Local and no ready endpoint on {node}, where "
                    f"{objects.ref(client)} runs: kube-proxy drops its connections to the ClusterIP",
                    {"client node": node, "nodes with a ready endpoint": local or ["none"]},
                    "run the client on a node with an endpoint (or an endpoint on every node: a DaemonSet), or use "
                    "internalTrafficPolicy Cluster", subject(service))]
