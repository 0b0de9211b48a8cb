"""May a pod ask the cluster DNS at all? Its egress and the DNS pods' ingress (NetworkPolicies in
kube-system and the admin tiers count too), on UDP and TCP 53 to every cluster DNS pod. Pure; netpath's
dns hop and svcdebug (for its --from pod or its probe client) both use `blocked`. Not judged: pods that do
not ask the cluster DNS (dnsPolicy), and clusters with NodeLocal DNSCache (pods ask a hostNetwork cache
on their node: whether policy applies to that is the CNI's business).

A denial here looks like "cluster DNS is down" from inside the pod: the finding names the policy, what
is denied to which DNS pod, and a fix verified by the engine (diagnose/dns_policy_fix.py).
"""
from dataclasses import replace

from ..model import objects
from ..model.findings import Finding
from . import dns_policy_fix, policy_fix
from .dns import resolver_config

DNS_PORT = 53
DNS_LABELS = dns_policy_fix.DNS_LABELS
NODE_LOCAL_LABELS = {"k8s-app": "node-local-dns"}
DNS_POD_SELECTOR = "k8s-app in (kube-dns,node-local-dns)"  # what a live read asks for (both kinds of DNS pod)
PROTOCOLS = ("UDP", "TCP")
LISTED = 10
NEAR_MISS_KEYS = ("near miss", "patch", "also near")


def dns_pods(snapshot, labels: dict = DNS_LABELS) -> list[dict]:
    return [p for p in snapshot.in_namespace("Pod", "kube-system")
            if all(objects.labels(p).get(k) == v for k, v in labels.items())]


def blocked(snapshot, engine, client_pod: dict) -> Finding | None:
    """policy-blocks-dns when policy denies the pod UDP 53 to a cluster DNS pod (lookups time out), else None.
    TCP 53 (large answers) is evaluated too: the evidence says, and the fix admits both."""
    if not resolver_config(client_pod, objects.namespace(client_pod)).cluster_dns:
        return None  # dnsPolicy Default/None (or hostNetwork without ClusterFirstWithHostNet): it never asks
    if dns_pods(snapshot, NODE_LOCAL_LABELS):
        return None  # NodeLocal DNSCache: the pod asks a hostNetwork cache on its node, a CNI-defined path
    found = dns_pods(snapshot)
    client = engine.endpoint(client_pod)
    checks = [(dns, protocol, _denying(engine.check(client, dns, DNS_PORT, protocol)))
              for dns in (engine.endpoint(p) for p in found) for protocol in PROTOCOLS]
    denied = [(dns, sides[0]) for dns, protocol, sides in checks if protocol == "UDP" and sides]
    if not denied:
        return None
    dns, side = denied[0]
    why = policy_fix.explain(engine, side, client, dns, "UDP", DNS_PORT)
    fix = dns_policy_fix.verified_fix(engine, side, client, list(dict.fromkeys(e for e, _ in denied)), why)
    if fix.subject:  # a DNS rule instead of the explainer's near miss (which only added a peer)
        why = replace(why, reason=f"{', '.join(side.policies)} select{'s' if len(side.policies) == 1 else ''} "
                                  f"{side.pod} for egress and no rule admits DNS",
                      evidence={k: v for k, v in why.evidence.items() if k not in NEAR_MISS_KEYS})
    evidence = {"client": client.ref, "DNS pods": [e.ref for e in dict.fromkeys(d for d, _, _ in checks)][:LISTED],
                "checked": [_line(client, d, protocol, s) for d, protocol, s in checks][:LISTED],
                **({"policies": list(side.policies)} if side.policies else {}), **why.evidence, **fix.evidence}
    allowed = [d.ref for d, protocol, sides in checks if protocol == "UDP" and not sides]
    if allowed:  # kube-proxy balances lookups over every DNS pod: only some of them fail
        evidence["UDP 53 allowed to"] = allowed[:LISTED]
    return Finding("policy-blocks-dns", "error",
                   f"{side.direction} UDP 53 from {client.ref} to the cluster DNS ({_some(denied, found)}) is denied: "
                   f"{why.reason}; names cannot resolve", evidence, fix.text, fix.subject or why.subject)


def _denying(verdict) -> list:
    """The sides that deny (none: allowed, or decided by the CNI for a hostNetwork pod)."""
    sides = [s for s in (verdict.egress, verdict.ingress) if not s.allowed]
    return [] if any(s.cni_defined for s in sides) else sides


def _line(client, dns, protocol: str, sides: list) -> str:
    path = f"{client.ref} -> {dns.ref}:{DNS_PORT}/{protocol}"
    if not sides:
        return f"{path}: allowed"
    return f"{path}: denied by " + " and ".join(f"{s.direction} ({_decided_by(s)})" for s in sides)


def _decided_by(side) -> str:
    decided = side.rules[-1] if side.tier in ("admin", "baseline") and side.rules else None
    if decided is not None and decided.action == "deny":
        return f"{decided.kind} {decided.policy} rule {decided.rule}"
    return ", ".join(side.policies) or "policy"


def _some(denied: list, found: list) -> str:
    pods = list(dict.fromkeys(d.ref for d, _ in denied))
    if len(pods) == len(found):
        return pods[0] if len(pods) == 1 else f"all {len(pods)} pods"
    return f"{len(pods)} of {len(found)} pods: {', '.join(pods[:3])}"
