"""What a mesh authorization decision means, in words: the message and the fix of its finding. Pure."""
from ..policy.mesh_match import Decision, MeshClient

AFTER_HANDSHAKE = {  # how the refusal looks to the client: never a timeout
    "Istio": "the TCP connection opens, then the sidecar answers HTTP requests with 403 (\"RBAC: access denied\") "
             "and resets other TCP traffic",
    "Linkerd": "the TCP connection opens, then the proxy answers HTTP requests with 403 (gRPC: PERMISSION_DENIED) "
               "and closes other TCP connections",
}


def describe(decision: Decision, pods: list[str], port: int | None, client: MeshClient) -> tuple[str, str]:
    where = f"{', '.join(pods[:3])}{' and more' if len(pods) > 3 else ''}:{port}"
    who = client.ref or "a client outside the cluster"
    if decision.outcome == "allowed":
        return (f"{decision.mesh} admits {who} -> {where}: {_rule(decision)} allows it; an allow list is in force, "
                "other clients are denied"), ""
    if decision.why == "policies-hidden":
        return (f"whether {decision.mesh} admits {who} -> {where} is not known: "
                f"{'; '.join(dict.fromkeys(decision.unknown))}",
                f"let this user list the {decision.mesh} policies of the destination's namespace (RBAC), or check them "
                "with an account that may")
    if decision.outcome == "unknown":
        return (f"whether {decision.mesh} admits {who} -> {where} depends on what netdebug cannot evaluate here: "
                f"{'; '.join(sorted(set(decision.unknown)))} ({_rule(decision) or 'no rule decides'})",
                "compare those fields with the real request (method, path, headers, JWT); the proxy's access log "
                "shows the decision")
    tcp = f" (port {port} carries TCP, not HTTP: ALLOW rules with HTTP fields never match it, DENY rules " \
          "apply without them)" if "tcp" in decision.facts else ""
    return (f"{decision.mesh} denies {who} -> {where}: {_why_denied(decision)}{tcp}; {AFTER_HANDSHAKE[decision.mesh]}",
            _fix(decision, client, port))


def _rule(decision: Decision) -> str:
    if not decision.decided_by:
        return ""
    return f"rule {decision.rule} of {decision.decided_by}" if decision.rule is not None else decision.decided_by


def _why_denied(decision: Decision) -> str:
    why = decision.why
    if why == "deny-rule-matches":
        return f"{_rule(decision)} (action DENY) matches"
    if why == "allow-nothing":
        return f"{decision.decided_by} (action ALLOW, no rules) allows nothing: every request is denied"
    if why == "no-allow-rule-matches":
        return f"{', '.join(decision.allow_lists)} allow{'s' if len(decision.allow_lists) == 1 else ''} only " \
               "listed clients (action ALLOW) and no rule matches this one"
    if why in ("no-authorization", "no-authorization-matches"):
        listed = f" (none of {', '.join(decision.allow_lists)} matches)" if decision.allow_lists else ""
        return f"{decision.decided_by} selects this port and no authorization admits the client{listed}, so its " \
               "accessPolicy deny applies"
    if why.startswith("access-policy-"):
        return f"no authorization of {decision.decided_by} admits the client and its accessPolicy " \
               f"{why.removeprefix('access-policy-')} refuses it"
    return f"the default inbound policy {why.removeprefix('default-')} ({decision.decided_by}) refuses the client"


def _fix(decision: Decision, client: MeshClient, port: int | None) -> str:
    if decision.mesh == "Istio":
        return _istio_fix(decision, client, port)
    return _linkerd_fix(decision, client)


def _istio_fix(decision: Decision, client: MeshClient, port: int | None) -> str:
    if decision.why == "deny-rule-matches":
        return f"narrow or remove rule {decision.rule} of {decision.decided_by} (its from/to/when match this client)"
    edit = decision.facts.get("edit")
    if edit:
        return f"edit {decision.decided_by}: add \"{edit['add']}\" to {edit['field']}"
    principal = client.istio_principal()
    if client.mesh == "Istio" and not client.tls:
        return (f"mutual TLS is disabled towards port {port} (PeerAuthentication mode DISABLE), so rules on principals "
                f"or namespaces cannot match {client.ref}: enable it (PERMISSIVE or STRICT), or allow the address in "
                f"{decision.decided_by}: from.source.ipBlocks: [\"{client.ip or '<its pod IP>'}\"]")
    if principal and decision.why == "allow-nothing":
        return (f"keep {decision.decided_by} (deny by default) and add an ALLOW AuthorizationPolicy selecting the "
                f"destination with rules: [{{from: [{{source: {{principals: [\"{principal}\"]}}}}], "
                f"to: [{{operation: {{ports: [\"{port}\"]}}}}]}}]")
    if principal:
        return (f"add a rule to {decision.decided_by}: from: [{{source: {{principals: [\"{principal}\"]}}}}], "
                f"to: [{{operation: {{ports: [\"{port}\"]}}}}]")
    if client.ref is None:
        return (f"requests from outside arrive through the ingress gateway: allow the gateway's principal in "
                f"{decision.decided_by}, or the caller's address with from.source.ipBlocks")
    return (f"{client.ref} is not in the Istio mesh, so rules on principals or namespaces cannot match it: inject "
            f"a sidecar (or enrol its namespace in ambient) and allow principal cluster.local/ns/{client.namespace}/sa/"
            f"{client.service_account} in {decision.decided_by}, or allow its address: from.source.ipBlocks: "
            f"[\"{client.ip or '<its pod IP>'}\"]")


def _linkerd_fix(decision: Decision, client: MeshClient) -> str:
    if decision.why.startswith("default-"):
        return ("create a Server for this port with an AuthorizationPolicy admitting the client, or change "
                "config.linkerd.io/default-inbound-policy")
    server = decision.facts.get("server") or decision.decided_by
    target = server.split()[-1].split("/")[-1]
    identities = decision.facts.get("identities") or []
    if client.mesh == "Linkerd" and identities:
        return (f"add {{kind: ServiceAccount, name: {client.service_account}, namespace: {client.namespace}}} to "
                f"identityRefs of MeshTLSAuthentication {identities[0]} (the authorization of {server} requires it)")
    accounts = decision.facts.get("accounts") or []
    if client.mesh == "Linkerd" and accounts:
        return (f"add {{name: {client.service_account}, namespace: {client.namespace}}} to client.meshTLS.serviceAccounts "
                f"of ServerAuthorization {accounts[0]}")
    if client.mesh == "Linkerd":
        return (f"create an AuthorizationPolicy with targetRef Server {target} and requiredAuthenticationRefs naming "
                f"a MeshTLSAuthentication with identity {client.linkerd_identity()} (or kind ServiceAccount "
                f"{client.service_account} in namespace {client.namespace})")
    who = client.ref or "the client"
    return (f"{who} is not in the Linkerd mesh, so identities cannot match it: inject the proxy "
            f"(linkerd.io/inject: enabled) and authorize its identity, or authorize its address with a "
            f"NetworkAuthentication{f' ({client.ip}/32)' if client.ip else ''} in an AuthorizationPolicy with "
            f"targetRef Server {target}")
