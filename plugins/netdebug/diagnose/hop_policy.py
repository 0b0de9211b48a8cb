"""The policy hop: egress on the source, ingress on each destination pod (hop_destination: the next hop).

Policy verdicts come from the shared engine, with the deciding policy and rule kept as data.
Which node each side is on is reported (it does not change what policy allows).
"""
from dataclasses import dataclass, replace

from ..model import objects
from ..model.gaps import NOT_SERVED
from ..model.kinds import ADMIN_POLICY_KINDS
from ..policy.engine import Endpoint, PolicyEngine
from ..policy.namespace_labels import unseen_namespace_labels
from ..model.findings import Finding
from . import policy_fix
from .hops import Hop

# Stand-in for "a client outside the cluster" when the real client address is unknown (TEST-NET-3).
OUTSIDE_CLIENT = "203.0.113.10"


@dataclass(frozen=True)
class Leg:
    """One destination the traffic may land on: a pod (with its resolved port) or a plain IP."""

    endpoint: Endpoint
    port: int | None
    node: str | None = None


def legs_for_pods(pods: list[dict], ports: dict) -> list[Leg]:
    """ports: pod ref -> container port number (None when it could not be resolved)."""
    return [Leg(Endpoint.for_pod(p), ports.get(objects.ref(p)), objects.spec(p).get("nodeName")) for p in pods]


def policy_hop(engine: PolicyEngine, source: Endpoint, legs: list[Leg], protocol: str,
               service_port: int | None = None) -> Hop:
    hop = Hop("policy", facts={"source": source.ref, "sourceNode": _node(source), "checks": []})
    if engine.problems:
        hop.facts["policyProblems"] = list(engine.problems)
    denied, cni_defined = [], False
    for leg in legs:
        if leg.endpoint.is_pod and leg.port is None:
            continue  # the service hop already says the port cannot be resolved on this pod
        verdict = engine.check(source, leg.endpoint, leg.port, protocol)
        check = {"to": leg.endpoint.ref, "node": leg.node, "port": leg.port, "allowed": verdict.allowed,
                 "egress": _side(verdict.egress), "ingress": _side(verdict.ingress)}
        hop.facts["checks"].append({k: v for k, v in check.items() if v is not None})
        cni_defined |= verdict.egress.cni_defined or verdict.ingress.cni_defined
        if not verdict.allowed:
            denied.append((leg, verdict))
    if denied:
        finding = _denied(engine, source, denied, len(hop.facts["checks"]), protocol, service_port)
    unseen_labels = _unseen_namespace_labels(engine.snapshot)
    if denied and cni_defined:  # a hostNetwork side: what policy does to it is up to the CNI
        hop.findings.append(replace(finding, severity="warning"))
        hop.unknown("policy-cni-defined", "a hostNetwork pod is involved: the policies say no, the CNI decides")
    elif denied and unseen_labels:
        hop.findings.append(replace(finding, severity="warning"))
        hop.unknown("namespace-labels-not-visible", unseen_labels)
    elif denied:
        hop.fail(finding)
    elif _unseen(engine.snapshot):
        gaps = "; ".join(g.sentence for g in _unseen(engine.snapshot))
        hop.unknown("policy-not-visible", f"policies could not be read ({gaps})")
    elif unseen_labels:
        hop.unknown("namespace-labels-not-visible", unseen_labels)
    elif cni_defined:
        hop.unknown("policy-cni-defined", "a hostNetwork pod is involved: whether NetworkPolicy applies is up to the CNI")
    return hop


def _unseen(snapshot) -> list:
    """Gaps that may hide a deciding policy (an admin kind the server does not serve hides nothing)."""
    return [g for kind in ("NetworkPolicy", *ADMIN_POLICY_KINDS) for g in snapshot.gaps_for(kind)
            if g.reason != NOT_SERVED]


def _unseen_namespace_labels(snapshot) -> str:
    gap = unseen_namespace_labels(snapshot)
    return f"namespace labels could not be read ({gap.sentence}): namespaceSelectors may match otherwise" if gap else ""


def localhost_policy_hop() -> Hop:
    return Hop("policy", facts={"localhost": True})


def _node(endpoint: Endpoint) -> str | None:
    return objects.spec(endpoint.pod).get("nodeName") if endpoint.pod else None


def _side(side) -> dict:
    data = {"evaluated": side.pod is not None, "isolated": side.isolated, "allowed": side.allowed,
            "policies": list(side.policies), "rules": [r.to_dict() for r in side.rules]}
    if side.cni_defined:
        data["cniDefined"] = True
    return data


def _denied(engine: PolicyEngine, source: Endpoint, denied: list, total: int, protocol: str,
            service_port: int | None) -> Finding:
    """One finding for the denial; when both sides deny, both are explained (both must be fixed)."""
    leg, first = denied[0]
    sides = [s for s in (first.egress, first.ingress) if not s.allowed]
    whys = [policy_fix.explain(engine, s, source, leg.endpoint, protocol, first.port, service_port) for s in sides]
    evidence = {"denied": [{"to": v.destination, "by": "egress" if not v.egress.allowed else "ingress",
                            "policies": _deciders(v.egress if not v.egress.allowed else v.ingress)} for _, v in denied]}
    message = f"{sides[0].direction} {_port(protocol, first.port)} from {source.ref} to {first.destination} is " \
              f"denied: {whys[0].reason}"
    if len(whys) > 1:
        message += f"; ingress is denied too: {whys[1].reason}"
        evidence["ingress side"] = {**whys[1].evidence, "fix": whys[1].fix}
    if len(denied) < total:
        message += f" ({len(denied)} of {total} destination pods denied)"
    fix = whys[0].fix if len(whys) == 1 else f"{whys[0].fix}; and for ingress: {whys[1].fix}"
    return Finding("policy-denied", "error", message, {**evidence, **whys[0].evidence}, fix, whys[0].subject)


def _deciders(side) -> list[str]:
    """The admin policy whose rule decided, else the NetworkPolicies isolating the pod."""
    decided = [f"{r.kind} {r.policy}" for r in side.rules if r.action in ("deny", "allow")]
    return decided or list(side.policies)


def _port(protocol: str, port: int | None) -> str:
    return f"{protocol} {port}" if port else protocol
