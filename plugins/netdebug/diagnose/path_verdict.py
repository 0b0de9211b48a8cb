"""netpath's verdict, derived from the hops and findings (never composed beside them). Pure.

Observation beats declaration: a policy denial that the probes contradict (they connected) becomes
context (`policy-not-enforced`), so the hop marks and the verdict tell one story. Rules, all checked
by property tests: an error finding means the verdict is not "reachable"; "reachable" means no hop
failed; "blocked at X" (or "partly blocked at X") means hop X is not ok and no hop before it failed.
"""
from ..model.findings import Finding
from . import probe_verdicts
from .hops import FAIL, OK, UNKNOWN

GOOD = ("connected", "http")
FAILED = ("timeout", "refused")
UNSEEN_POLICY = ("policy-not-visible", "policy-cni-defined")  # a policy hop that may explain a drop
MESH_UNSEEN = "mesh-mode-not-visible"  # a sidecar completes the TCP handshake whatever its mutual-TLS mode
LISTED = 10


def verdict(report) -> str:
    """The verdict from the hops, the findings kept beside them and what the probes proved."""
    broken = next((h for h in report.hops if h.status == FAIL), None)
    errors = any(f.severity == "error" for f in report.observations)
    if report.observed == "reachable":
        blamed = broken or (report.hop("destination") if errors else None)
        return f"partly blocked at {blamed.name}" if blamed else "reachable"
    if report.observed:
        return report.observed
    if broken:
        return f"blocked at {broken.name}"
    return "unknown" if any(h.status == UNKNOWN for h in report.hops) else "reachable"


def blamed_hop(verdict_text: str) -> str | None:
    """The hop a verdict names ("blocked at policy" -> "policy")."""
    return verdict_text.rsplit(" at ", 1)[1] if " at " in verdict_text else None


def agree_marks(report) -> None:
    """The hop the verdict blames shows it: a hop that looked fine becomes unknown, with the reason."""
    hop = report.hop(blamed_hop(verdict(report)) or "")
    if hop is not None and hop.status == OK:
        hop.unknown("probes-fail-here", "the probes fail here although nothing declared explains it")


def policy_not_enforced(report, by_role: dict) -> None:
    """Policy denies, yet the probes connected to every denied destination: the CNI does not enforce it."""
    hop = report.hop("policy")
    if hop is None or hop.code != "policy-denied":
        return
    denied = [c["to"] for c in hop.facts.get("checks") or [] if not c["allowed"]]
    reached = _reached(report, by_role, denied)
    if not denied or set(denied) - reached:
        return  # some denial is not contradicted: it stands
    declared = next(f for f in hop.findings if f.code == "policy-denied")
    hop.findings = [f for f in hop.findings if f.code not in ("policy-denied", "policy-not-enforced")]
    hop.status, hop.code, hop.reason = OK, None, ""
    hop.facts["enforced"] = False
    report.observations = [f for f in report.observations if f.code != "policy-not-enforced"]
    hop.findings.append(_not_enforced(declared, by_role, sorted(reached)))


def dns_policy_not_enforced(report, by_role: dict) -> None:
    """Policy denies the source the cluster DNS, yet its lookups resolved: the dns hop stands, the denial
    is context (unless some DNS pods are allowed: their answers prove nothing about the denied ones)."""
    hop = report.hop("dns")
    declared = next((f for f in hop.findings if f.code == "policy-blocks-dns"), None) if hop is not None else None
    resolved = [p for role in ("dns", "dns-cluster") for p in by_role.get(role, []) if p["outcome"] == "resolved"]
    others = [f for f in hop.findings if f.severity == "error" and f is not declared] if hop is not None else []
    if declared is None or not resolved or others or declared.evidence.get("UDP 53 allowed to"):
        return
    lines = [f"{p.get('from', '')}: {p['target']} -> resolved" for p in resolved]
    hop.findings = [f for f in hop.findings if f is not declared]
    hop.status, hop.code, hop.reason = OK, None, ""
    hop.facts["enforced"] = False
    hop.findings.append(probe_verdicts.not_enforced(
        f"NetworkPolicy denies {declared.evidence.get('client')} the cluster DNS, yet its lookups resolved: the "
        "network plugin does not enforce NetworkPolicy here", {**declared.evidence, "resolved although denied": lines},
        declared.subject, declared))


def _reached(report, by_role: dict, denied: list[str]) -> set[str]:
    """The denied pods some probe reached: directly, or through a Service that only balances to them."""
    reached = {p.get("of") for p in by_role.get("endpoint", []) + by_role.get("localhost", [])
               if p["outcome"] in GOOD}
    service = next(iter(by_role.get("service", [])), None)
    endpoints = {e["pod"] for e in (report.targets.get("endpoints") or [])}
    if service and service["outcome"] in GOOD and endpoints and endpoints <= set(denied):
        reached |= endpoints
    return reached & set(denied)


def _not_enforced(declared: Finding, by_role: dict, reached: list[str]) -> Finding:
    lines = [f"{p.get('from', '')} -> {p['target']}:{p.get('port')}: {p['outcome']}" for role in ("service", "endpoint")
             for p in by_role.get(role, []) if p["outcome"] in GOOD]
    return probe_verdicts.not_enforced(
        f"NetworkPolicy denies this traffic to {', '.join(reached[:LISTED])}, yet the probes connected: the network "
        "plugin does not enforce NetworkPolicy here", {**declared.evidence, "connected although denied": lines[:LISTED]},
        declared.subject, declared, f"{probe_verdicts.ENFORCE_FIX} and do not protect these pods")


def observed(report, by_role: dict) -> str | None:
    """What the probes proved (None: nothing either way, the static verdict stands)."""
    dns = report.hop("dns")
    if dns is not None and dns.status == FAIL:
        return "blocked at dns"  # the name the user asked for does not work, whatever the IPs do
    destination = report.hop("destination")
    if destination is not None and destination.code in ("mesh-mtls-required", "mesh-authz-denied"):
        return "blocked at destination"  # the proxy completes the TCP handshake, then refuses the client
    if destination is not None and destination.code == MESH_UNSEEN and not http_answered(by_role):
        return None  # a connect proves nothing here; only an HTTP answer shows plain text is accepted
    service = next(iter(by_role.get("service", [])), None)
    direct = by_role.get("endpoint", []) + by_role.get("localhost", []) + by_role.get("outside", [])
    if (service or {}).get("outcome") in GOOD or (service is None and any(p["outcome"] in GOOD for p in direct)):
        return "reachable"
    if service is not None and service["outcome"] in FAILED and _partly_served(by_role):
        return "reachable"  # sometimes: the verdict then says "partly blocked at X", whichever endpoint was hit
    if not any(p["outcome"] in FAILED for p in direct + ([service] if service else [])):
        return None  # nothing proven either way: the static verdict stands
    return f"blocked at {_blamed(report).name}" if _blamed(report) else "unknown"


def http_answered(by_role: dict) -> bool:
    return any(p["outcome"] == "http" for p in by_role.get("http", []))


def _partly_served(by_role: dict) -> bool:
    """The ClusterIP failed, but it balances to endpoints of which some answer directly and some fail
    (refused, denied, dropped): the Service works for some connections. The same answer as when the
    ClusterIP picks a good endpoint — the failing endpoints' findings say why the rest fail."""
    endpoints = by_role.get("endpoint", [])
    return any(p["outcome"] in GOOD for p in endpoints) and any(p["outcome"] in FAILED for p in endpoints)


def _blamed(report):
    """The first failing hop; else the one we could not see; else the destination when packets vanish."""
    broken = next((h for h in report.hops if h.status == FAIL), None)
    unseen = next((h for h in report.hops if h.status == UNKNOWN and h.code in UNSEEN_POLICY), None)
    dropped = any(f.code == "dropped-unexplained" for f in report.observations)
    return broken or unseen or (report.hop("destination") if dropped else None) or \
        next((h for h in report.hops if h.status == UNKNOWN), None)
