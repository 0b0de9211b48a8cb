"""What netpath's probes saw of a mesh authorization denial (pure): the proxy accepts the connection first,
so a TCP connect proves nothing either way; HTTP 403 confirms; an HTTP answer contradicts."""
from dataclasses import replace

from .hops import FAIL, OK


def observe(hop, probes: list[dict]) -> None:
    """What the probes saw of a mesh denial on this hop, as its evidence: a TCP connect that completes is
    expected (the proxy accepts first); HTTP 403 confirms the denial; a 2xx/3xx answer contradicts it, and
    observation beats declaration: the denial becomes a warning and the hop is not failed by it."""
    index = next((i for i, f in enumerate(hop.findings) if f.code == "mesh-authz-denied"), None) if hop else None
    seen = [f"{p['target']}:{p['port']}{p.get('path', '')}: " + ("connected" if p["outcome"] == "connected" else
                                                                 f"HTTP {p.get('detail')}")
            for p in probes if p.get("kind") in ("tcp", "http") and p.get("outcome") in ("connected", "http")]
    if index is None or not seen:
        return
    finding = hop.findings[index]
    statuses = [p.get("detail") or "" for p in probes if p.get("outcome") == "http"]
    answered = any(s[:1] in ("2", "3") and s for s in statuses)
    note = ("the probes confirm it: HTTP 403" if "403" in statuses else
            "yet HTTP answered: the mesh does not enforce this policy here (not applied yet, or another "
            "proxy setting)" if answered else "TCP connects, as expected: the proxy accepts, then refuses requests")
    hop.findings[index] = replace(finding, message=f"{finding.message}; {note}", severity="warning" if answered
                                  else finding.severity, evidence={**finding.evidence, "observed": seen[:10]})
    if answered and hop.code == "mesh-authz-denied":
        others = [f for f in hop.findings if f.severity == "error"]
        hop.status, hop.code, hop.reason = (FAIL, others[0].code, "") if others else (OK, None, "")
