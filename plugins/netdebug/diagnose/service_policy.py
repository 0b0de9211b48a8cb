"""Do NetworkPolicies let the Service's clients reach its backends? (uses the shared policy engine)

Clients are, in order of preference: the `--from` pod, the ingress controller pods when an Ingress
routes here, or the other pods of the Service's namespace.
"""
from dataclasses import dataclass

from ..model import objects
from ..model.snapshot import Snapshot
from ..policy.engine import PolicyEngine
from ..model.findings import Finding
from ..model.gaps import unreadable
from . import policy_fix
from .ingress_controllers import controllers_for
from .service import selected_pods, subject
from .service_ports import resolve_target_port

LISTED = 10


@dataclass(frozen=True)
class PolicyCheck:
    client: str
    backend: str
    port: int
    protocol: str
    allowed: bool
    denied_by: str | None  # "ingress" (the backend's side) or "egress" (the client's side)
    policies: tuple  # the policies isolating the denying side (or admitting, when allowed)
    admitted: str  # what the denying side does admit between these two pods, e.g. "TCP 9090"
    rules: tuple  # RuleRef dicts that admit the traffic
    near_rules: tuple = ()  # when denied: "ns/policy ingress rule N" admitting this peer on other ports
    fix: str = ""  # when denied and asked for: the smallest change that admits it (diagnose/policy_fix.py)
    tier: str | None = None  # the deciding tier when admin policies take part: "admin", "networkpolicy", ...

    def to_dict(self) -> dict:
        return {"client": self.client, "backend": self.backend, "port": f"{self.port}/{self.protocol}",
                "allowed": self.allowed, "deniedBy": self.denied_by, "policies": list(self.policies),
                "admitted": self.admitted, "rules": list(self.rules), "nearRules": list(self.near_rules)}


def default_clients(snapshot: Snapshot, service: dict, ingresses: list[dict]) -> tuple[list[dict], str]:
    """(client pods, "ingress controller" | "same namespace") when no --from pod was given;
    ingresses: those routing to the Service (their classes' controller pods are the clients)."""
    controllers = {objects.ref(p): p for ingress in ingresses for p in controllers_for(snapshot, ingress).pods}
    if controllers:
        return list(controllers.values()), "ingress controller"
    backends = {objects.ref(p) for p in selected_pods(snapshot, service)}
    others = [p for p in snapshot.in_namespace("Pod", objects.namespace(service)) if objects.ref(p) not in backends]
    return others, "same namespace"


def policies_readable(snapshot: Snapshot, objs: list) -> bool:
    """The NetworkPolicies of these objects' namespaces were read (None items skipped): a gap elsewhere,
    e.g. in kube-system for the DNS check, does not stop the checks of the Service and its clients."""
    namespaces = {objects.namespace(o) for o in objs if o is not None}
    return not any(unreadable(snapshot.gaps, "NetworkPolicy", ns) for ns in namespaces)


def check_pair(engine: PolicyEngine, client: dict, backend: dict, port: int, protocol: str,
               service_port: int | None = None, with_fix: bool = False) -> PolicyCheck:
    source, destination = engine.endpoint(client), engine.endpoint(backend)
    verdict = engine.check(source, destination, port=port, protocol=protocol)
    denying = next((side for side in (verdict.ingress, verdict.egress) if not side.allowed), None)
    side = denying or verdict.ingress
    near, fix = (), ""
    if denying is not None:  # rules that admit this peer, only not on this port
        unnarrowed = engine.side(denying.direction, source, destination).rules
        near = tuple(f"{r.policy} {r.direction} rule {r.rule}" for r in unnarrowed)
        if with_fix:
            fix = policy_fix.explain(engine, denying, source, destination, protocol, port, service_port).fix
    return PolicyCheck(objects.ref(client), objects.ref(backend), port, protocol, verdict.allowed,
                       denying.direction if denying else None, tuple(side.policies),
                       str(side.connections) if denying else "", tuple(r.to_dict() for r in side.rules), near, fix,
                       side.tier)


def policy_checks(engine: PolicyEngine, service: dict, ports: list[dict], clients: list[dict],
                  backends: list[dict]) -> list[PolicyCheck]:
    """One check per distinct client label set x distinct backend label set x Service port; none when no
    policy can deny (no admin tier, no backend isolated for ingress, no client for egress)."""
    if not _may_deny(engine, clients, backends):
        return []
    checks = []
    for client in _distinct(clients):
        for backend in _distinct(backends):
            for port in ports:
                number = resolve_target_port(port, backend)
                if number is not None:
                    checks.append(check_pair(engine, client, backend, number, port.get("protocol", "TCP"),
                                             port.get("port"), with_fix=True))
    return checks


def _may_deny(engine: PolicyEngine, clients: list[dict], backends: list[dict]) -> bool:
    return engine.tiered or any(engine.policies_selecting(engine.endpoint(b), "ingress") for b in backends) \
        or any(engine.policies_selecting(engine.endpoint(c), "egress") for c in clients)


def policy_findings(service: dict, checks: list[PolicyCheck], client_kind: str,
                    clients: list[dict] | None = None) -> list[Finding]:
    """clients: every client pod the checks stand for (checks run once per distinct label set)."""
    found = []
    for direction in ("ingress", "egress"):
        denied = [c for c in checks if c.denied_by == direction]
        if denied:
            found.append(_blocked(service, direction, denied, checks, client_kind, clients))
    return found


def _blocked(service: dict, direction: str, denied: list[PolicyCheck], checks: list[PolicyCheck],
             client_kind: str, clients: list[dict] | None) -> Finding:
    denied_pods, all_pods = _pod_counts(denied, checks, clients)
    severity = "error" if client_kind in ("--from", "ingress controller") else \
        ("warning" if denied_pods == all_pods else "info")
    side = "the backends' ingress" if direction == "ingress" else "the clients' egress"
    policies = sorted({p for c in denied for p in c.policies})
    evidence = {"clients": f"{client_kind}: {', '.join(sorted({c.client for c in denied})[:LISTED])}",
                "denied": [_denial_line(c) for c in denied[:LISTED]], "policies": policies}
    allowed = sorted({c.client for c in checks if c.allowed})
    if allowed:
        evidence["allowed clients"] = allowed[:LISTED]
    return Finding(f"policy-blocks-{direction}", severity,
                   f"{_deciding_kind(denied)} on {side} denies {denied_pods} of {all_pods} client pod(s) "
                   f"({client_kind}) of {subject(service)}", evidence, _fix(direction, denied, policies),
                   subject(service))


def _deciding_kind(denied: list[PolicyCheck]) -> str:
    """Who denies: an admin tier decides before any NetworkPolicy, and the answer says which."""
    tiers = {c.tier for c in denied}
    if "admin" in tiers:
        return "AdminNetworkPolicy"
    return "BaselineAdminNetworkPolicy" if "baseline" in tiers else "NetworkPolicy"


def _pod_counts(denied: list[PolicyCheck], checks: list[PolicyCheck], clients: list[dict] | None) -> tuple[int, int]:
    """(denied client pods, all client pods), counting every pod of a label set a check stood for."""
    if not clients:
        return len({c.client for c in denied}), len({c.client for c in checks})
    key_of = {objects.ref(p): _pod_key(p) for p in clients}
    denied_keys = {key_of.get(c.client) for c in denied}
    return sum(1 for p in clients if key_of[objects.ref(p)] in denied_keys), len(key_of)


def _fix(direction: str, denied: list[PolicyCheck], policies: list[str]) -> str:
    """The smallest change for the first denial that has one (policy_fix: near-miss rule, admin tier...)."""
    found = next((c.fix for c in denied if c.fix), None)
    return found or (f"add an {direction} rule admitting these clients on the port to one of: {', '.join(policies)} "
                     f"(kubectl netpolicy explain shows each rule)")


def _denial_line(check: PolicyCheck) -> str:
    path = f"{check.client} -> {check.backend}:{check.port}/{check.protocol}"
    decided = check.rules[-1] if check.tier in ("admin", "baseline") and check.rules else None
    if decided is not None and decided.get("action") == "deny":
        return (f"{path}: {decided['kind']} {decided['policy']} {decided['direction']} rule {decided['rule']} "
                f"(Deny) decides{' before any NetworkPolicy' if check.tier == 'admin' else ''}")
    admitted = "nothing" if check.admitted in ("", "none") else check.admitted
    near = f" via {', '.join(check.near_rules)}" if check.near_rules else ""
    peer = "from this client" if check.denied_by == "ingress" else "to this backend"
    return (f"{path}: no rule of {', '.join(check.policies)} admits it ({check.denied_by} admits {admitted} "
            f"{peer}{near})")


def _pod_key(pod: dict) -> tuple:
    """Pods alike for NetworkPolicy: same namespace, same labels, same hostNetwork."""
    return objects.namespace(pod), tuple(sorted(objects.labels(pod).items())), objects.host_network(pod)


def _distinct(pods: list[dict]) -> list[dict]:
    seen, distinct = set(), []
    for pod in pods:
        key = _pod_key(pod)
        if key not in seen:
            seen.add(key)
            distinct.append(pod)
    return distinct
