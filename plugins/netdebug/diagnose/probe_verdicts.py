"""What an expert concludes from probe results plus static facts (pure; netpath reuses it).

Pods answer but the ClusterIP does not -> clusterip-path-broken; only a backend cannot reach its own
Service -> hairpin-broken; neither when NetworkPolicy denies the client some endpoint the ClusterIP
balances to (a backend gets policy-blocks-*: no static check covers it); refused on a pod IP -> not-listening;
timeout on a pod IP while policy allows -> dropped-unexplained; policy denies yet it connects ->
policy-not-enforced; DNS conclusions from the short name, name.ns, the FQDN and kubernetes.default.
"""
from dataclasses import dataclass, field

from ..model.findings import Finding

FAILED = ("refused", "timeout")
DNS_FAILED = ("nxdomain", "dns-error", "timeout")
LISTED = 10


@dataclass(frozen=True)
class ProbeFacts:
    subject: str  # "Service shop/web"
    namespace: str  # the Service's namespace
    cluster_ips: frozenset = frozenset()
    endpoint_pods: dict = field(default_factory=dict)  # endpoint IP -> pod ref
    ready_ips: frozenset = frozenset()  # the endpoints the Service sends traffic to
    backends: frozenset = frozenset()  # pod refs of the backends (hairpin clients)
    policy: dict = field(default_factory=dict)  # (client ref, IP, port) -> allowed (missing: unknown)
    # (client ref, Service port) -> the shared engine's checks (.backend, .allowed, .denied_by, .policies) of
    # that client reaching each ready endpoint (a backend: itself included): where its ClusterIP probe may go
    clusterip_policy: dict = field(default_factory=dict)
    dns_names: dict = field(default_factory=dict)  # name -> "short"|"namespace"|"fqdn"|"cluster-dns"|"external-name"
    listening: dict = field(default_factory=dict)  # pod ref -> [{"address","port","protocol"}]
    cluster_dns: dict = field(default_factory=dict)  # evidence about kube-dns (pods ready, endpoints)
    external_name: str | None = None  # an ExternalName Service's target: its names resolve only through it
    headless: bool = False  # a headless name has no address while no endpoint is ready


def conclude(results: list, facts: ProbeFacts) -> list[Finding]:
    return (endpoint_verdicts(results, facts) + clusterip_verdicts(results, facts) + dns_verdicts(results, facts)
            + tool_verdicts(results))


def client_of(result) -> str:
    return f"{result.spec.namespace}/{result.spec.pod}"


def _line(result) -> str:
    spec = result.spec
    return f"{client_of(result)} -> {spec.target}:{spec.port}/{spec.kind.upper()}: {result.outcome}"


def endpoint_verdicts(results: list, facts: ProbeFacts) -> list[Finding]:
    direct = [r for r in results if r.spec.kind in ("tcp", "udp") and r.spec.target in facts.endpoint_pods]
    refused = [r for r in direct if r.outcome == "refused"]  # for UDP: an ICMP port-unreachable came back
    direct = [r for r in direct if r.spec.kind == "tcp"]  # UDP silence proves nothing
    dropped = [r for r in direct if r.outcome == "timeout" and facts.policy.get(_key(r)) is not False]
    unenforced = [r for r in direct if r.outcome == "connected" and facts.policy.get(_key(r)) is False]
    found = []
    if refused:
        found.append(_not_listening(refused, facts))
    if dropped:
        found.append(_dropped(dropped, facts))
    if unenforced:
        found.append(Finding("policy-not-enforced", "warning",
                             f"NetworkPolicy denies {len(unenforced)} connection(s) to {facts.subject}'s pods, "
                             "yet they connected: the network plugin does not enforce NetworkPolicy",
                             {"connected although denied": [_line(r) for r in unenforced[:LISTED]]},
                             "use a CNI that enforces NetworkPolicy (Calico, Cilium, ...) or enable its policy "
                             "support; until then policies are documentation only", facts.subject))
    return found


def _key(result) -> tuple:
    return client_of(result), result.spec.target, result.spec.port


def _not_listening(refused: list, facts: ProbeFacts) -> Finding:
    evidence = {"refused": [f"{_line(r)} (pod {facts.endpoint_pods[r.spec.target]})" for r in refused[:LISTED]]}
    listens = {}
    for pod in sorted({facts.endpoint_pods[r.spec.target] for r in refused}):
        if pod in facts.listening:
            listens[pod] = [f"{s['address']}:{s['port']}/{s['protocol']}" for s in facts.listening[pod]] or ["nothing"]
    if listens:
        evidence["the container listens on"] = listens
    return Finding("not-listening", "error",
                   f"{len(refused)} endpoint(s) of {facts.subject} refuse connections on the target port: "
                   "nothing listens there", evidence,
                   "make the app listen on the targetPort (and on 0.0.0.0, not 127.0.0.1), or change targetPort "
                   "to the port it does listen on", facts.subject)


def _dropped(dropped: list, facts: ProbeFacts) -> Finding:
    unknown = [r for r in dropped if _key(r) not in facts.policy]
    note = " (policy unknown for some: not readable)" if unknown else ""
    return Finding("dropped-unexplained", "error",
                   f"{len(dropped)} connection(s) to {facts.subject}'s pods time out although NetworkPolicy "
                   f"allows them{note}",
                   {"timed out": [_line(r) for r in dropped[:LISTED]]},
                   "something below NetworkPolicy drops the packets: check the CNI, node firewalls, security "
                   "groups and the pod's own firewall", facts.subject)


def clusterip_verdicts(results: list, facts: ProbeFacts) -> list[Finding]:
    via_ip = [r for r in results if r.spec.target in facts.cluster_ips and r.spec.kind in ("tcp", "udp")]
    direct_ok = {client_of(r) for r in results if r.spec.target in facts.ready_ips and r.outcome == "connected"}
    pods_answer = bool(direct_ok)
    failed = [r for r in via_ip if r.spec.kind == "tcp" and r.outcome in FAILED]
    denied = [r for r in failed if _denials(r, facts)]
    broken = [r for r in failed if r not in denied]
    worked = {client_of(r) for r in via_ip if r.outcome == "connected"}
    hairpin = [r for r in broken if client_of(r) in facts.backends and worked - facts.backends]
    others = [r for r in broken if r not in hairpin]
    found = _policy_explains_hairpin([r for r in denied if client_of(r) in facts.backends], facts)
    if others and pods_answer:
        found.append(Finding("clusterip-path-broken", "error",
                             f"the pods of {facts.subject} answer directly, but its ClusterIP does not",
                             {"ClusterIP": [_line(r) for r in others[:LISTED]],
                              "pods answered from": sorted(direct_ok)},
                             "check kube-proxy (or the CNI's service implementation): running on the node, "
                             "its mode, its logs, and the Service rules (iptables-save | grep, ipvsadm -Ln, nft)",
                             facts.subject))
    if hairpin:
        found.append(Finding("hairpin-broken", "warning",
                             f"a backend of {facts.subject} cannot reach its own Service, other clients can",
                             {"failed": [_line(r) for r in hairpin[:LISTED]]},
                             "enable hairpin mode (kubelet --hairpin-mode / the CNI bridge's hairpinMode)",
                             facts.subject))
    silent = [r for r in results if r.spec.kind == "udp" and r.outcome == "timeout"
              and (r.spec.target in facts.cluster_ips or r.spec.target in facts.endpoint_pods)]
    if silent:
        found.append(Finding("udp-unverified", "info",
                             f"UDP to {facts.subject} got no reply: UDP probes are best effort (open or filtered)",
                             {"udp": [_line(r) for r in silent[:LISTED]]}, "", facts.subject))
    return found


def _denials(result, facts: ProbeFacts) -> list:
    """The engine's denials on the paths a ClusterIP probe may take (empty: all allowed, or unknown)."""
    return [c for c in facts.clusterip_policy.get((client_of(result), result.spec.port), ()) if not c.allowed]


def _policy_explains_hairpin(denied: list, facts: ProbeFacts) -> list[Finding]:
    """A backend that cannot reach its own Service because NetworkPolicy denies it (some of) the endpoints."""
    found = []
    for direction in ("egress", "ingress"):
        pairs = [(r, [c for c in _denials(r, facts) if c.denied_by == direction]) for r in denied]
        pairs = [(r, checks) for r, checks in pairs if checks]
        if not pairs:
            continue
        policies = sorted({p for _, checks in pairs for c in checks for p in c.policies})
        paths = [f"{client_of(r)} -> {c.backend}:{c.port}/{c.protocol}" for r, checks in pairs for c in checks]
        found.append(Finding(f"policy-blocks-{direction}", "info",
                             f"a backend of {facts.subject} cannot reach its own Service: NetworkPolicy ({direction}) "
                             "denies it endpoints the Service balances to (not a hairpin problem)",
                             {"failed": [_line(r) for r, _ in pairs[:LISTED]], "denied": paths[:LISTED],
                              "policies": policies},
                             f"nothing to do if the backends need not call their own Service; else add an "
                             f"{direction} rule admitting them to one of: {', '.join(policies)}", facts.subject))
    return found


def dns_verdicts(results: list, facts: ProbeFacts) -> list[Finding]:
    found = []
    by_client: dict = {}
    for r in results:
        if r.spec.kind in ("dns", "resolv"):
            by_client.setdefault(client_of(r), []).append(r)
    for client, lookups in by_client.items():
        found += _client_dns(client, lookups, facts)
    return _dedupe_codes(found)


def _client_dns(client: str, lookups: list, facts: ProbeFacts) -> list[Finding]:
    role = {facts.dns_names.get(r.spec.target): r for r in lookups if r.spec.kind == "dns"}
    failed = {name for name, r in role.items() if r.outcome in DNS_FAILED}
    resolv = next((r for r in lookups if r.spec.kind == "resolv" and r.outcome == "ok"), None)
    if "cluster-dns" in failed:
        return [_dns_down(client, role["cluster-dns"], resolv, facts)]
    found = []
    if facts.headless and not facts.ready_ips:
        failed -= {"fqdn", "namespace", "short"}  # nothing to resolve to: endpoints-not-ready says why
    if facts.external_name and failed & {"fqdn", "namespace", "short", "external-name"}:
        lookup = role.get("external-name") or role.get("fqdn") or role.get("namespace") or role["short"]
        return [Finding("externalname-unresolvable", "error",
                        f"{facts.subject} is an alias for {facts.external_name}, which does not resolve",
                        {"lookup": _dns_line(lookup)},
                        "point externalName at a name that resolves from inside the cluster", facts.subject)]
    if "fqdn" in failed:
        found.append(Finding("dns-service-unresolved", "error",
                             f"cluster DNS answers, but not for {facts.subject}", {"lookup": _dns_line(role["fqdn"])},
                             "check that CoreDNS may list Services/EndpointSlices (its RBAC) and its logs; check the "
                             "cluster domain", facts.subject))
    elif "short" in failed:
        found.append(_short_name(client, role["short"], resolv, facts))
    return found


def _dns_down(client: str, lookup, resolv, facts: ProbeFacts) -> Finding:
    evidence = {"lookup": _dns_line(lookup), **facts.cluster_dns}
    if resolv is not None:
        evidence["nameservers"] = list(resolv.nameservers) or ["<none>"]
    return Finding("dns-down", "error", f"cluster DNS does not answer from {client}: {lookup.spec.target} fails",
                   evidence, "check the kube-dns Service, its endpoints and the CoreDNS pods (kubectl -n kube-system "
                   "get pods -l k8s-app=kube-dns; kubectl logs)", facts.subject)


def _short_name(client: str, lookup, resolv, facts: ProbeFacts) -> Finding:
    evidence = {"lookup": _dns_line(lookup)}
    if resolv is not None:
        evidence.update(search=list(resolv.search) or ["<none>"], ndots=resolv.ndots)
    if not client.startswith(f"{facts.namespace}/"):
        return Finding("dns-short-name-other-namespace", "warning",
                       f"the short name {lookup.spec.target} resolves only inside namespace {facts.namespace}; "
                       f"{client} is in another namespace", evidence,
                       f"use {lookup.spec.target}.{facts.namespace} (or the FQDN) from other namespaces", facts.subject)
    return Finding("dns-short-name-unresolved", "warning",
                   f"the short name {lookup.spec.target} does not resolve from {client}, the FQDN does",
                   evidence, "check the pod's dnsPolicy/dnsConfig: its search list must include "
                   f"{facts.namespace}.svc.<cluster domain>", facts.subject)


def _dns_line(result) -> str:
    return f"{client_of(result)}: {result.spec.target} -> {result.outcome} {result.detail}".strip()


def tool_verdicts(results: list) -> list[Finding]:
    no_tool = sorted({f"{client_of(r)} ({r.spec.container})" for r in results if r.outcome == "no-tool"})
    failed = [r for r in results if r.outcome == "exec-failed"]
    found = []
    if no_tool:
        found.append(Finding("probe-no-tool", "warning", "some probes could not run: the container has no usable tool",
                             {"containers": no_tool},
                             "rerun with --ephemeral IMAGE (e.g. busybox) to probe from an ephemeral container; "
                             "note that ephemeral containers cannot be removed from the pod afterwards"))
    if failed:
        details = sorted({f"{client_of(r)}: {r.detail}" for r in failed})
        found.append(Finding("probe-failed", "warning", f"{len(failed)} probe(s) could not be executed",
                             {"errors": details[:LISTED]}, "check exec permission (pods/exec) and the pod's state"))
    return found


def _dedupe_codes(found: list[Finding]) -> list[Finding]:
    """The same DNS conclusion from two clients is reported once (the first)."""
    seen, unique = set(), []
    for finding in found:
        if finding.code not in seen:
            seen.add(finding.code)
            unique.append(finding)
    return unique
