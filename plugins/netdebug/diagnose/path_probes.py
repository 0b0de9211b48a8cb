"""Which probes prove a walked path, and what their results mean (declared vs observed). Pure.

`plan` lists probes as plain dicts (role, kind, target, port, path, pod, container); the CLI runs
them. `conclude` reads the results back: it marks what each destination really listens on, lets
svcdebug's probe_verdicts draw the expert's conclusions (clusterip-path-broken, not-listening,
dropped-unexplained, policy-not-enforced, dns-*), puts each on its hop and sets the observed verdict.
"""
from . import mesh_authz_probes, path_verdict, probe_verdicts
from .hops import FAIL, OK
from ..model.kinds import CLUSTER_DNS_CHECK
from .path_probe_facts import LOCALHOST, probe_facts
from .path_verdict import GOOD, UNSEEN_POLICY
from .root_cause import root_cause_folds

MAX_LISTENING = 8  # destination pods whose socket tables are read (every endpoint is probed)
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
