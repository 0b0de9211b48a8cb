"""The external path's hop lines and probe details for netpath's text output."""


def dns_line(facts: dict) -> str:
    """The name as this machine resolves it, beside what the cluster publishes."""
    expected = _joined(facts.get("expected"))
    served = f"the cluster serves it at {expected}" if expected != "<none>" else "the cluster shows no address for it"
    if "resolved" not in facts:
        return f"{facts['name']}: not resolved (no probes); {served}"
    source = facts.get("authoritative")
    at_source = f"; authoritative {source['server']}: {_joined(source['answer'])}" if source else ""
    return f"{facts['name']} → {_joined(facts['resolved'])} (this machine's resolver{at_source}; {served})"


def entry_line(facts: dict) -> str:
    if facts.get("via") == "Ingress":
        parts = [f"Ingress {facts['ingress']} (host {facts['host']}, class {facts.get('class') or '<default>'}, "
                 f"address {_joined(facts.get('address'))})", f"backend {facts['backend']}"]
        if "tls" in facts:
            parts.append(f"TLS {facts['tls']}")
    else:
        parts = [f"{facts['type']} {facts['service']}"]
        if facts.get("nodePort"):
            nodes = ", ".join(a["address"] for a in facts.get("nodeAddresses") or []) or "<nodes not visible>"
            parts.append(f"nodePort {facts['nodePort']} on {nodes}")
        if "loadBalancer" in facts:
            parts.append(f"load balancer {_joined(facts['loadBalancer'])}")
        if facts.get("externalTrafficPolicy") == "Local":
            parts.append("externalTrafficPolicy Local")
    if facts.get("certificate"):
        cert = facts["certificate"]
        parts.append(f"certificate {cert['subject']} from {cert['issuer']}{'' if cert['trusted'] else ' (not trusted)'}")
    if facts.get("http"):
        parts.append(f"HTTP {facts['http'].get('detail') or facts['http']['outcome']}")
    return " · ".join(parts)


def probe_detail(probe: dict) -> str | None:
    """Details of the outside probes (None: not one of them)."""
    if probe["kind"] == "authority":
        answer = ", ".join(probe.get("addresses") or []) or probe.get("detail", "")
        return f" {answer}" + (f" from {probe['server']}" if probe.get("server") else "")
    if probe["kind"] == "resolve":
        return " " + (", ".join(probe.get("addresses") or []) or probe.get("detail", ""))
    if probe["kind"] in ("http", "https"):
        text = f" {probe.get('detail', '')} (Host: {probe.get('host')})"
        cert = probe.get("certificate")
        if cert:
            text += f", certificate {(cert.get('subject') or {}).get('commonName', '?')}: {cert.get('verify')}"
        return text
    return None


def _joined(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "<none>"
    return str(value or "<none>")
