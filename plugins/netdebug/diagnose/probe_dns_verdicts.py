"""What an expert concludes from the DNS and tool-related probe results (pure; svcdebug and netpath).

DNS conclusions come from the short name, name.ns, the FQDN and kubernetes.default; a probe that
could not run (no tool, exec refused) is reported as such and proves nothing either way.
"""
from ..model.findings import Finding
from ..model.probes import DNS_FAILED
from .probe_facts import ProbeFacts

LISTED = 10


def client_of(result) -> str:
    return f"{result.spec.namespace}/{result.spec.pod}"


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
    resolv = next((r for r in lookups if r.spec.kind == "resolv" and r.outcome == "read"), None)
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
