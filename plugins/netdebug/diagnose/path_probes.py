"""Which probes prove a walked path, and what their results mean (declared vs observed). Pure.

`plan` lists probes as plain dicts (role, kind, target, port, path, pod, container); the CLI runs
them. `conclude` reads the results back: it marks what each destination really listens on, lets
svcdebug's probe_verdicts draw the expert's conclusions (clusterip-path-broken, not-listening,
dropped-unexplained, policy-not-enforced, dns-*), puts each on its hop and sets the observed verdict.
"""
from . import mesh_authz_probes, path_verdict, probe_verdicts
from .root_cause import root_cause_folds
from .hops import FAIL, OK
from .path_verdict import GOOD, UNSEEN_POLICY
from .service_policy import PolicyCheck

LOCALHOST = "127.0.0.1"
MAX_LISTENING = 8  # destination pods whose socket tables are read (every endpoint is probed)
CLUSTER_DNS_CHECK = "kubernetes.default"  # resolves in every cluster: if not, cluster DNS itself is down
HOP_OF = {"not-listening": "destination", "listening-loopback-only": "destination", "clusterip-path-broken": "service", "hairpin-broken": "service",
          "dns-down": "dns", "dns-service-unresolved": "dns", "dns-short-name-unresolved": "dns",
          "dns-short-name-other-namespace": "dns", "externalname-unresolvable": "dns"}


def plan(report, protocol: str, http_path: str | None, to_container: str | None) -> list[dict]:
    kind = "udp" if protocol == "UDP" else "tcp"
    targets, probes = report.targets, []
    if "dns" in targets:
        probes.append({"role": "dns", "kind": "dns", "target": targets["dns"]})
        probes.append({"role": "dns-cluster", "kind": "dns", "target": CLUSTER_DNS_CHECK})
        probes.append({"role": "resolv", "kind": "resolv"})
    service = targets.get("service") or {}
    if service.get("ip") and not service["ip"].startswith("<"):
        probes.append({"role": "service", "kind": kind, "target": service["ip"], "port": service["port"]})
    for index, endpoint in enumerate(e for e in targets.get("endpoints") or [] if e["ip"] and e["port"]):
        probes.append({"role": "endpoint", "kind": kind, "target": endpoint["ip"], "port": endpoint["port"],
                       "of": endpoint["pod"]})
        if index < MAX_LISTENING:
            probes.append({"role": "listening", "kind": "listening", "pod": endpoint["pod"], "container": to_container})
    if "localhost" in targets:
        local = targets["localhost"]
        probes.append({"role": "localhost", "kind": kind, "target": LOCALHOST, "port": local["port"], "of": report.source})
        probes.append({"role": "listening", "kind": "listening", "pod": report.source, "container": local["container"],
                       "local": True})
    outside = targets.get("outside") or {}
    if outside.get("port"):
        probes.append({"role": "outside", "kind": kind, "target": outside["address"], "port": outside["port"]})
    if http_path is not None and kind == "tcp":
        probes += _http(probes, report.target_host, http_path)
    return probes


def _http(probes: list[dict], host: str | None, path: str) -> list[dict]:
    first = next((p for p in probes if p["role"] in ("service", "outside", "localhost", "endpoint")), None)
    if first is None:
        return []
    return [{"role": "http", "kind": "http", "target": host or first["target"], "port": first["port"], "path": path}]


def conclude(report, results: list[dict]) -> None:
    """results: the planned dicts with `outcome`, `detail`, `sockets` and (from pods) the ProbeResult as `result`."""
    by_role: dict = {}
    for result in results:
        by_role.setdefault(result["role"], []).append(result)
    _observe_destination(report, by_role.get("endpoint", []) + by_role.get("localhost", []),
                         path_verdict.http_answered(by_role))
    mesh_authz_probes.observe(report.hop("destination"), [r for role in ("service", "endpoint", "http") for r in by_role.get(role, [])])
    verdicts = probe_verdicts.conclude([r["result"] for r in results if "result" in r], probe_facts(report, results))
    for finding in verdicts:
        _attach(report, finding)
    _fold_root_causes(report)
    path_verdict.policy_not_enforced(report, by_role)
    path_verdict.dns_policy_not_enforced(report, by_role)
    report.observed = path_verdict.observed(report, by_role)
    path_verdict.agree_marks(report)


def _fold_root_causes(report) -> None:
    """The static port warnings of a port the probes saw refused become that refusal's evidence, on
    whichever hop each stood."""
    changes = root_cause_folds([f for hop in report.hops for f in hop.findings] + report.observations)
    for hop in report.hops:
        hop.findings = _applied(hop.findings, changes)
    report.observations = _applied(report.observations, changes)


def _applied(findings: list, changes: dict) -> list:
    return [changes.get(id(f), f) for f in findings if changes.get(id(f), f) is not None]


def probe_facts(report, results: list[dict]) -> probe_verdicts.ProbeFacts:
    """What probe_verdicts needs to know about this path, from the walk."""
    targets = report.targets
    service = targets.get("service") or {}
    endpoint_pods = {e["ip"]: e["pod"] for e in targets.get("endpoints") or [] if e["ip"]}
    if "localhost" in targets:
        endpoint_pods[LOCALHOST] = report.source
    destination = report.hop("destination")
    unready = {p["pod"] for p in (destination.facts.get("pods") or []) if p.get("ready") is False} if destination else set()
    subject = f"Service {service['service']}" if service else f"Pod {next(iter(endpoint_pods.values()), report.destination)}"
    return probe_verdicts.ProbeFacts(
        subject=subject, namespace=(service.get("service") or next(iter(endpoint_pods.values()), "")).split("/")[0],
        cluster_ips=frozenset([service["ip"]] if service.get("ip") else []), endpoint_pods=endpoint_pods,
        ready_ips=frozenset(ip for ip, pod in endpoint_pods.items() if pod not in unready),
        backends=frozenset(endpoint_pods.values()), policy=_policy_facts(report, endpoint_pods),
        clusterip_policy=_clusterip_policy(report, service),
        dns_names=_dns_roles(targets.get("dns")),
        listening={r["pod"]: r["sockets"] for r in results if r["role"] == "listening" and r["outcome"] == "listening"})


def _policy_facts(report, endpoint_pods: dict) -> dict:
    """(client, IP, port) -> allowed, for what the policy hop evaluated (missing: unknown)."""
    hop = report.hop("policy")
    if hop is None or hop.code == "policy-not-visible":
        return {}
    if hop.facts.get("localhost"):
        return {(report.source, ip, port): True for ip in endpoint_pods for port in [report.port]}
    ip_of = {pod: ip for ip, pod in endpoint_pods.items()}
    return {(report.source, ip_of[c["to"]], c.get("port")): c["allowed"] for c in hop.facts.get("checks") or []
            if c["to"] in ip_of}


def _clusterip_policy(report, service: dict) -> dict:
    """(source, Service port) -> the policy hop's check of the source reaching each endpoint (as svcdebug's)."""
    hop = report.hop("policy")
    if not service.get("port") or hop is None or hop.code == "policy-not-visible" or hop.facts.get("localhost"):
        return {}
    checks = []
    for c in hop.facts.get("checks") or []:
        side = next((c[d] for d in ("egress", "ingress") if not c[d]["allowed"]), None)
        checks.append(PolicyCheck(report.source, c["to"], c.get("port"), report.protocol, c["allowed"],
                                  "egress" if side is c["egress"] else "ingress" if side else None,
                                  tuple(side["policies"]) if side else (), "", ()))
    return {(report.source, service["port"]): checks}


def _dns_roles(name: str | None) -> dict:
    if not name:
        return {}
    role = "short" if "." not in name else "fqdn" if ".svc" in name else "namespace"
    return {name: role, CLUSTER_DNS_CHECK: "cluster-dns"}


def _attach(report, finding) -> None:
    """A conclusion lands on the hop it is about (failing it when it is an error), unless that hop
    already says the same; the rest (drops, policy not enforced, tools) are observations."""
    hop = report.hop(_hop_of(report, finding.code))
    if hop is None:
        report.observations.append(finding)
    elif finding.code in {f.code for f in hop.findings} or (hop.name == "dns" and hop.status == FAIL):
        return
    elif finding.severity == "error":
        hop.fail(finding)
    else:
        hop.findings.append(finding)


def _hop_of(report, code: str) -> str:
    """Packets dropped although policy allows: the destination's problem, unless the policies could
    not be read or the CNI decides them (hostNetwork): then they may explain it, and the verdict
    blames the policy hop we could not judge."""
    if code == "dropped-unexplained":
        policy = report.hop("policy")
        return "" if policy is not None and policy.code in UNSEEN_POLICY else "destination"
    return HOP_OF.get(code, "")


def _observe_destination(report, probes: list[dict], http_answered: bool) -> None:
    hop = report.hop("destination")
    if hop is None or "pods" not in hop.facts:
        return
    for pod in hop.facts["pods"]:
        outcomes = {p["outcome"] for p in probes if p.get("of") == pod["pod"]}
        if outcomes & set(GOOD):
            pod["listening"] = True
        elif "refused" in outcomes:
            pod["listening"] = False
    unseen_mesh = hop.code == path_verdict.MESH_UNSEEN and not http_answered  # the sidecar accepts any connect
    if hop.status != FAIL and not unseen_mesh and any(p.get("listening") for p in hop.facts["pods"]):
        hop.status, hop.code, hop.reason = OK, None, ""
