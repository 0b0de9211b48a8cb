"""Which probes prove a walked path, and what their results mean (declared vs observed). Pure.

`plan` lists probes as plain dicts (role, kind, target, port, path, pod, container); the CLI runs
them. `conclude` reads the results back: it marks hops as observed, adds the expert's conclusions
(clusterip-path-broken, not-listening, dropped-unexplained, policy-not-enforced, dns-*) and sets
the observed verdict.
"""
from .findings import Finding
from .hops import FAIL, OK, UNKNOWN

LOCALHOST = "127.0.0.1"
MAX_LISTENING = 8  # destination pods whose socket tables are read (every endpoint is probed)
GOOD = ("connected", "http")


def plan(report, protocol: str, http_path: str | None, to_container: str | None) -> list[dict]:
    kind = "udp" if protocol == "UDP" else "tcp"
    targets, probes = report.targets, []
    if report.source == "external":
        return _from_outside(targets.get("service") or {}, kind, http_path, report.target_host)
    if "dns" in targets:
        probes.append({"role": "dns", "kind": "dns", "target": targets["dns"]})
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


def _from_outside(service: dict, kind: str, http_path: str | None, host: str | None) -> list[dict]:
    """From this machine: the load balancer address and each node's address on the nodePort."""
    probes = [{"role": "entry", "kind": kind, "target": e["address"], "port": e["port"], "via": e["via"], "local": True}
              for e in service.get("entry") or []]
    if http_path is not None and probes and kind == "tcp":
        probes.append({**probes[0], "role": "http", "kind": "http", "path": http_path})
    return probes


def _http(probes: list[dict], host: str | None, path: str) -> list[dict]:
    first = next((p for p in probes if p["role"] in ("service", "outside", "localhost", "endpoint")), None)
    if first is None:
        return []
    return [{"role": "http", "kind": "http", "target": host or first["target"], "port": first["port"], "path": path}]


def conclude(report, results: list[dict]) -> None:
    """results: the planned dicts, each with `outcome`, `detail` and (listening) `sockets` added."""
    by_role = {}
    for result in results:
        by_role.setdefault(result["role"], []).append(result)
    _observe_dns(report, by_role.get("dns", []))
    endpoints = by_role.get("endpoint", []) + by_role.get("localhost", [])
    _observe_destination(report, endpoints, by_role.get("listening", []))
    _observe_policy(report, endpoints + by_role.get("outside", []))
    report.observed = _verdict(report, by_role)
    _untested(report, results)


def _observe_dns(report, probes: list[dict]) -> None:
    hop = report.hop("dns")
    if not probes or hop is None:
        return
    probe = probes[0]
    hop.facts["observed"] = {"outcome": probe["outcome"], "addresses": probe.get("addresses") or []}
    if probe["outcome"] == "resolved" or hop.status == FAIL:
        return
    if probe["outcome"] == "nxdomain":
        hop.fail(Finding("dns-not-resolving", "error", f"'{probe['target']}' did not resolve from the source "
                         "although the Service exists", {"outcome": "NXDOMAIN"},
                         "check the pod's /etc/resolv.conf (search list) and the cluster DNS configuration",
                         report.source))
    elif probe["outcome"] in ("dns-error", "timeout"):
        hop.fail(Finding("dns-down", "error", f"the lookup of '{probe['target']}' got no answer: the cluster DNS "
                         "does not respond", {"outcome": probe["outcome"], "detail": probe.get("detail", "")},
                         "check the kube-dns pods in kube-system (running, ready, logs) and the kube-dns "
                         "Service endpoints", report.source))


def _observe_destination(report, endpoints: list[dict], listening: list[dict]) -> None:
    hop = report.hop("destination")
    if hop is None or "pods" not in hop.facts:
        return
    sockets = {p["pod"]: p.get("sockets") for p in listening if p["outcome"] == "listening"}
    for pod in hop.facts["pods"]:
        probe = next((p for p in endpoints if p["of"] == pod["pod"]), None)
        if probe and probe["outcome"] in GOOD:
            pod["listening"] = True
        elif probe and probe["outcome"] == "refused":
            pod["listening"] = False
            hop.fail(_not_listening(pod, sockets.get(pod["pod"]), probe))
    if hop.status != FAIL and any(p.get("listening") for p in hop.facts["pods"]):
        hop.status, hop.code, hop.reason = OK, None, ""


def _not_listening(pod: dict, sockets: list | None, probe: dict) -> Finding:
    listens = [f"{s['address']}:{s['port']}/{s['protocol']}" for s in sockets or []]
    if sockets is None:
        listens = ["<unknown: the socket table could not be read>"]
    local_only = [s for s in sockets or [] if s["port"] == pod["port"] and s["address"] in (LOCALHOST, "::1")]
    fix = (f"the app listens on {local_only[0]['address']} only: make it bind 0.0.0.0 (or ::)" if local_only
           else "start the server on this port, or point the Service targetPort / client at a port it listens on")
    return Finding("not-listening", "error", f"{pod['pod']} refused {probe['target']}:{probe['port']}: "
                   "nothing listens there", {"listening": listens or ["<nothing>"]},
                   fix, f"Pod {pod['pod']}")


def _observe_policy(report, probes: list[dict]) -> None:
    hop = report.hop("policy")
    if hop is None or not probes:
        return
    denied = {c["to"] for c in hop.facts.get("checks") or [] if not c["allowed"]}
    through = [p for p in probes if p["outcome"] in GOOD and (p.get("of") in denied or p["role"] == "outside" and denied)]
    if through:
        report.observations.append(Finding(
            "policy-not-enforced", "error", f"policy denies this traffic but {len(through)} probe(s) connected: "
            "the CNI does not enforce NetworkPolicy", {"connected": [f"{p['target']}:{p['port']}" for p in through],
                                                        "denied by": hop.code or "policy"},
            "use a CNI that enforces NetworkPolicy (Calico, Cilium, ...) or enable enforcement in yours; until "
            "then these policies are documentation only", report.source))
        hop.facts["observed"] = "connected although denied"
    dropped = [p for p in probes if p["outcome"] == "timeout" and p.get("of") not in denied and p["role"] != "outside"]
    if dropped and not denied and hop.code != "policy-not-visible":
        report.observations.append(Finding(
            "dropped-unexplained", "error", f"policy allows this traffic but {len(dropped)} probe(s) timed out: "
            "packets are dropped by something else", {"timed out": [f"{p['target']}:{p['port']}" for p in dropped]},
            "check the node firewall (iptables/nftables), cloud security groups, and the CNI agent's logs on the "
            "destination node", report.source))


def _verdict(report, by_role: dict) -> str | None:
    dns = report.hop("dns")
    if dns is not None and dns.status == FAIL:
        return "blocked at dns"  # the name the user asked for does not work, whatever the IPs do
    entry = by_role.get("entry", [])
    if entry:
        if any(p["outcome"] in GOOD for p in entry):
            return "reachable"
        return "blocked at entry" if any(p["outcome"] in ("timeout", "refused") for p in entry) else None
    service = next(iter(by_role.get("service", [])), None)
    direct = by_role.get("endpoint", []) + by_role.get("localhost", []) + by_role.get("outside", [])
    if service is not None:
        if service["outcome"] in GOOD:
            return "reachable"
        if any(p["outcome"] in GOOD for p in direct) and service["outcome"] in ("timeout", "refused"):
            report.hop("service").fail(_clusterip_broken(service, direct))
            return "blocked at service"
    elif any(p["outcome"] in GOOD for p in direct):
        return "reachable"
    if not any(p["outcome"] in ("timeout", "refused") for p in direct + ([service] if service else [])):
        return None  # nothing proven either way: the static verdict stands
    broken = next((h for h in report.hops if h.status == FAIL), None)
    if broken is None and report.observations:
        broken = report.hop("destination")
    broken = broken or next((h for h in report.hops if h.status == UNKNOWN), None)  # the hop we could not see
    return f"blocked at {broken.name}" if broken else "unknown"


def _clusterip_broken(service: dict, direct: list[dict]) -> Finding:
    good = [f"{p['target']}:{p['port']}" for p in direct if p["outcome"] in GOOD]
    return Finding("clusterip-path-broken", "error", f"the pods answer directly but the ClusterIP "
                   f"{service['target']}:{service['port']} does not ({service['outcome']})",
                   {"clusterIP": f"{service['target']}:{service['port']}", "pods answering": good},
                   "check kube-proxy (or the CNI's Service implementation) on the source node: running, mode, "
                   "and rules for this Service (iptables-save | grep <clusterIP>)", "Service")


def _untested(report, results: list[dict]) -> None:
    failed = [r for r in results if r["outcome"] in ("no-tool", "exec-failed", "error") and r["role"] != "listening"]
    if failed and not any(f.code == "probe-not-run" for f in report.observations):
        report.observations.append(Finding(
            "probe-not-run", "warning", f"{len(failed)} probe(s) could not run: {failed[0].get('detail') or failed[0]['outcome']}",
            {"probes": [f"{r['kind']} {r.get('target', '')}: {r['outcome']}" for r in failed]},
            "run again with --ephemeral IMAGE (e.g. busybox) to probe from an ephemeral container with tools "
            "(it shares the pod's network; it cannot be removed afterwards)", report.source))
