"""May a pod ask the cluster DNS at all? Its egress and the DNS pods' ingress (NetworkPolicies in
kube-system and the admin tiers count too). Pure; netpath's dns hop uses it, svcdebug can.

A denial here looks like "cluster DNS is down" from inside the pod: the finding names the policy.
"""
from ..model import objects
from ..model.findings import Finding
from ..policy.engine import Endpoint
from . import policy_fix

DNS_PORT = 53
DNS_LABELS = {"k8s-app": "kube-dns"}


def dns_pods(snapshot) -> list[dict]:
    return [p for p in snapshot.in_namespace("Pod", "kube-system")
            if all(objects.labels(p).get(k) == v for k, v in DNS_LABELS.items())]


def blocked(snapshot, engine, client_pod: dict) -> Finding | None:
    """policy-blocks-dns when policy denies the pod UDP 53 to the (first) cluster DNS pod, else None."""
    found = dns_pods(snapshot)
    if not found:
        return None
    client, dns = Endpoint.for_pod(client_pod), Endpoint.for_pod(found[0])
    verdict = engine.check(client, dns, DNS_PORT, "UDP")
    side = next((s for s in (verdict.egress, verdict.ingress) if not s.allowed), None)
    if side is None or side.cni_defined:
        return None
    why = policy_fix.explain(engine, side, client, dns, "UDP", DNS_PORT)
    return Finding("policy-blocks-dns", "error",
                   f"{side.direction} UDP 53 from {client.ref} to the cluster DNS ({dns.ref}) is denied: {why.reason}; "
                   "names cannot resolve", why.evidence, f"{why.fix} (and TCP 53, for large answers)", why.subject)
