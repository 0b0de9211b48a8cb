"""What svcdebug's concluder needs to know beside the probe results (pure): the Service's addresses,
its endpoints, what NetworkPolicy says about each probed path, the cluster domain seen by the clients.
"""
from ..model import objects
from ..model.probes import NOT_RUN
from .probe_facts import ProbeFacts
from .service_policy import check_pair, policies_readable
from .service_ports import resolve_target_port
from ..model.kinds import CLUSTER_DOMAIN
from .svc_probe_plan import dns_names, endpoint_port


def cluster_domain(results: list, namespace: str) -> str:
    """From a search list like `shop.svc.cluster.local svc.cluster.local cluster.local`."""
    for result in (r for r in results if r.spec.kind == "resolv"):
        for entry in result.search:
            if entry.startswith(f"{namespace}.svc."):
                return entry[len(f"{namespace}.svc."):]
            if entry.startswith("svc."):
                return entry[4:]
    return CLUSTER_DOMAIN


def cluster_ips(service: dict) -> frozenset:
    spec = objects.spec(service)
    found = set(spec.get("clusterIPs") or []) | ({spec["clusterIP"]} if spec.get("clusterIP") else set())
    return frozenset(found - {"None"})


def probe_facts(facts, clients: list, results: list, cluster_dns: dict | None = None) -> ProbeFacts:
    """facts: diagnose.svcdebug.ServiceFacts; clients: the svc_probe_plan.Clients that probed."""
    spec, namespace = objects.spec(facts.service), objects.namespace(facts.service)
    listening = {f"{r.spec.namespace}/{r.spec.pod}": list(r.sockets) for r in results
                 if r.spec.kind == "listening" and r.outcome not in (*NOT_RUN, "error")}
    return ProbeFacts(subject=f"Service {facts.ref}", namespace=namespace, cluster_ips=cluster_ips(facts.service),
                      endpoint_pods={e.ip: e.pod or e.ip for e in facts.view.endpoints},
                      ready_ips=frozenset(e.ip for e in facts.view.ready),
                      backends=frozenset(objects.ref(p) for p in facts.backends),
                      policy=policy_map(facts, clients, results),
                      clusterip_policy=clusterip_policy(facts, clients, results),
                      dns_names=dns_names(facts.service, cluster_domain(results, namespace)), listening=listening,
                      cluster_dns=cluster_dns or {},
                      external_name=spec.get("externalName") if spec.get("type") == "ExternalName" else None,
                      headless=spec.get("clusterIP") == "None",
                      client_roles={c.ref: c.role for c in clients},
                      target_ports=_target_ports(facts))


def dns_failed(facts, results: list) -> bool:
    """Did the cluster DNS check itself fail (then its Service and pods are worth reading)?"""
    names = dns_names(facts.service, cluster_domain(results, objects.namespace(facts.service)))
    return any(names.get(r.spec.target) == "cluster-dns" and r.outcome in ("nxdomain", "dns-error", "timeout")
               for r in results if r.spec.kind == "dns")


def policy_map(facts, clients: list, results: list) -> dict:
    """(client, endpoint IP, port) -> PolicyCheck, for every direct endpoint probe (when policies are readable)."""
    if not policies_readable(facts.snapshot, [facts.service, *(c.pod for c in clients)]):
        return {}
    pods = {c.ref: c.pod for c in clients}
    backends = {e.ip: facts.snapshot.get("Pod", *e.pod.split("/", 1)) for e in facts.view.endpoints if e.pod}
    found = {}
    for r in results:
        backend, client = backends.get(r.spec.target), pods.get(f"{r.spec.namespace}/{r.spec.pod}")
        if r.spec.kind in ("tcp", "udp") and backend and client:
            found[(objects.ref(client), r.spec.target, r.spec.port)] = check_pair(
                facts.engine, client, backend, r.spec.port, r.spec.kind.upper())
    return found


def clusterip_policy(facts, clients: list, results: list) -> dict:
    """(client, Service port) -> the policy checks of that client reaching each ready endpoint (a backend:
    itself included), for every ClusterIP probe: the paths kube-proxy may give it."""
    if not policies_readable(facts.snapshot, [facts.service, *(c.pod for c in clients)]):
        return {}
    pods, addresses = {c.ref: c.pod for c in clients}, cluster_ips(facts.service)
    ready = [p for p in (facts.snapshot.get("Pod", *e.pod.split("/", 1)) for e in facts.view.ready if e.pod) if p]
    found = {}
    for r in (r for r in results if r.spec.kind in ("tcp", "udp") and r.spec.target in addresses):
        pod = pods.get(f"{r.spec.namespace}/{r.spec.pod}")
        port = _service_port(facts.ports, r.spec.port, r.spec.kind.upper())
        if pod is not None and port is not None:
            found[(objects.ref(pod), r.spec.port)] = _with_first_fix(facts, pod, port, [
                (endpoint, check_pair(facts.engine, pod, endpoint, number, port.get("protocol", "TCP")))
                for endpoint in ready if (number := resolve_target_port(port, endpoint)) is not None])
    return found


def _with_first_fix(facts, pod: dict, port: dict, checked: list) -> list:
    """The checks, the first denial with its smallest fix (one near-miss search, not one per endpoint)."""
    denied = next((i for i, (_, check) in enumerate(checked) if not check.allowed), None)
    checks = [check for _, check in checked]
    if denied is not None:
        endpoint, check = checked[denied]
        checks[denied] = check_pair(facts.engine, pod, endpoint, check.port, check.protocol, port.get("port"),
                                    with_fix=True)
    return checks


def _service_port(ports: list[dict], number: int, protocol: str) -> dict | None:
    return next((p for p in ports if p.get("port") == number and p.get("protocol", "TCP") == protocol), None)


def _target_ports(facts) -> dict:
    """Service port number -> {endpoint IP: the port the endpoint serves it on}: which direct probes belong
    to which Service port (evidence is kept per port, never pooled)."""
    pods = {e.ip: facts.snapshot.get("Pod", *e.pod.split("/", 1)) if e.pod else None for e in facts.view.endpoints}
    found = {}
    for port in facts.ports:
        found[(port.get("port"), port.get("protocol", "TCP"))] = {e.ip: number for e in facts.view.endpoints
                                   if (number := endpoint_port(port, e, pods[e.ip])) is not None}
    return found
