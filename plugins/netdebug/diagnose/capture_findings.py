"""Flows with the same verdict towards the same address make one finding, with the flows as evidence. Pure."""
from ..model.findings import Finding
from .capture_flows import End, Expected, Flow

FINDINGS = {  # verdict -> (code, severity, message template)
    "answered": ("capture-answered", "info", "{to}: answered ({answer}) — the path works, seen in packets"),
    "refused": ("capture-refused", "error", "{to}: answered RST/port unreachable by {pod} (nothing listens)"),
    "no-answer": ("capture-no-answer", "error",
                  "{to}: arrived at {pod}, no answer (a firewall in the destination pod or the app)"),
    "reply-lost": ("capture-reply-lost", "error", "{to}: {pod} answered, the answer was lost on the way back"),
    "dropped": ("capture-dropped-in-transit", "error",
                "{to}: dropped between source and destination (left {source}, never arrived at {pod})"),
    "never-left": ("capture-never-left", "error", "{to}: never left {source} (dropped inside the source pod)"),
    "rejected-in-path": ("capture-rejected-in-path", "error",
                         "{to}: rejected on the way ({answer}) before it reached {pod}"),
    "unanswered": ("capture-unanswered", "error", "{to}: left {source}, no answer (no capture at the destination)"),
    "dnat-unexpected": ("capture-dnat-unexpected", "error",
                        "traffic for the Service ({to}) went to {actual}, which is not one of its endpoints "
                        "({expected})"),
}
MAX_LISTED = 5  # flows listed in a finding's evidence (all are in the capture section)
FIXES = {
    "refused": "start the server on that port, or point the Service's targetPort at the port it listens on",
    "no-answer": "check the destination pod's own firewall/NetworkPolicy ingress and whether the app accepts",
    "reply-lost": "the reply path is broken: asymmetric routing, a CNI/conntrack problem or an egress rule "
                  "on the destination side dropping replies",
    "dropped": "something between the pods drops it: NetworkPolicy enforcement on the host, CNI routes, "
               "an overlay/MTU problem or a node firewall",
    "never-left": "an egress rule in the source pod (NetworkPolicy enforced in the pod, iptables in a sidecar)",
    "rejected-in-path": "a firewall or NetworkPolicy between the pods rejects the connection",
    "dnat-unexpected": "stale Service rules: compare kube-proxy's rules with the EndpointSlices",
}


def findings(flows: list[Flow], source: End, expected: Expected, files: list) -> list[Finding]:
    groups: dict[tuple, list[Flow]] = {}
    for flow in flows:
        groups.setdefault((flow.verdict, flow.to), []).append(flow)
    return [_finding(verdict, members, source, expected, files) for (verdict, _), members in groups.items()]


def _finding(verdict: str, flows: list[Flow], source: End, expected: Expected, files: list) -> Finding:
    code, severity, template = FINDINGS[verdict]
    first = flows[0]
    answer = first.detail.get("answer") or ("SYN-ACK" if first.protocol == "TCP" else "a reply")
    words = {"to": first.to, "pod": first.pod or first.dst, "source": source.pod, "answer": answer,
             "actual": first.detail.get("actual", first.dst), "expected": ", ".join(sorted(expected.endpoints)) or "none"}
    evidence = {"flows": [summary(f) for f in flows[:MAX_LISTED]], "captures": files}
    if len(flows) > MAX_LISTED:
        evidence["more flows"] = len(flows) - MAX_LISTED
    return Finding(code, severity, template.format(**words), evidence, FIXES.get(verdict, ""), subject=f"Pod {source.pod}")


def summary(flow: Flow) -> dict:
    return {"protocol": flow.protocol, "sport": flow.sport, "dst": flow.dst, "dport": flow.dport,
            "verdict": flow.verdict, **({"pod": flow.pod} if flow.pod else {}), **flow.detail}
