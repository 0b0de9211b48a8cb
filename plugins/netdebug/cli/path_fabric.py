"""Node fabric comparison for netpath: when SRC -> a destination pod fails or loses packets, probe a
peer on SRC's node and one on the destination's node (read-only: two pod lists, one exec from SRC)."""
from ..diagnose import fabric, quality
from ..model import objects

ATTEMPTS = 3  # per peer when the path fails; with --count the same N as the path


def compare_fabric(cluster, snapshot, report, query, sections: dict, timeout: float, count: int | None) -> dict | None:
    """The "fabric" JSON section (None when nothing failed); its finding joins report.observations."""
    trouble = _trouble(report, sections)
    if trouble is None or query.source is None:
        return None
    destination, problem = trouble
    namespace, _, name = destination.partition("/")
    target = snapshot.get("Pod", namespace, name)
    source_node, target_node = objects.spec(query.source).get("nodeName"), objects.spec(target or {}).get("nodeName")
    if not source_node or not target_node:
        return {"skipped": "the nodes of the source or the destination are unknown"}
    peers = _peers(cluster, snapshot, query.source, destination, source_node, target_node)
    if not peers:
        return {"skipped": f"no other ready pod with a TCP port that policy lets {report.source} reach on "
                           f"{source_node} or {target_node}"}
    attempts = _probe(cluster, query, peers, count if problem != "fails" and count else ATTEMPTS, timeout)
    if isinstance(attempts, str):
        return {"error": attempts}
    slow_ms = quality.SLOW_MS if problem == "slow" else None
    results = [fabric.result(peer, tries, slow_ms) for peer, tries in zip(peers, attempts)]
    from ..diagnose.capture_fold import fold

    found = fabric.conclude(report.source, source_node, destination, target_node, problem, results)
    section = {"problem": f"{report.source} -> {destination} {problem}", "comparison": [r.to_dict() for r in results]}
    policy = report.hop("policy")
    if policy is not None and policy.code == "policy-not-visible" and any(f.code == "destination-pod-local" for f in found):
        section["note"] = "the network between the nodes works; NetworkPolicies we may not read could be the pod-local cause"
        found = [f for f in found if f.code != "destination-pod-local"]
    fold(report, found, fabric.REPLACES, key="fabric")
    return section


def _trouble(report, sections: dict) -> tuple[str, str] | None:
    """(destination pod, fails|lossy): the first endpoint whose probe timed out (lossy when --count saw
    some answers), else a lossy endpoint."""
    answered = {p["target"] for p in (sections.get("quality") or {}).get("paths") or [] if p.get("answered")}
    for probe in report.probes:
        if probe.get("role") == "endpoint" and probe.get("outcome") == "timeout" and probe.get("of"):
            return probe["of"], "lossy" if f"{probe.get('target')}:{probe.get('port')}" in answered else "fails"
    for code, problem in (("path-lossy", "lossy"), ("path-slow", "slow")):
        flagged = {f.evidence.get("target") for f in report.observations if f.code == code}
        for endpoint in report.targets.get("endpoints") or []:
            if f"{endpoint.get('ip')}:{endpoint.get('port')}" in flagged:
                return endpoint["pod"], problem
    return None


def _peers(cluster, snapshot, source: dict, destination: str, source_node: str, target_node: str) -> list:
    from ..policy.engine import PolicyEngine
    from ..policy.peers import Endpoint

    nodes = list(dict.fromkeys([source_node, target_node]))
    listed = {node: cluster.list("Pod", None, field_selector=f"spec.nodeName={node}") for node in nodes}
    for pods in listed.values():
        for pod in pods:
            if snapshot.get("Pod", objects.namespace(pod), objects.name(pod)) is None:
                snapshot.add(pod)
    engine, me = PolicyEngine(snapshot), Endpoint.for_pod(source)

    def allowed(pod, port):
        return engine.check(me, Endpoint.for_pod(pod), port).allowed
    exclude = {objects.ref(source), destination}
    found = fabric.choose_peers(listed[source_node], "same-node", source_node, exclude, allowed)
    if target_node != source_node:
        found += fabric.choose_peers(listed[target_node], "destination-node", target_node, exclude, allowed)
    return found


def _probe(cluster, query, peers: list, count: int, timeout: float):
    """Attempts per peer from SRC in one exec (the --count script), or an error text."""
    from ..probe import python_exec

    attempts, tool = python_exec.repeats(cluster, query.source, query.source_container,
                                         [("tcp", peer.ip, peer.port) for peer in peers], count, timeout)
    return tool if attempts is None else attempts
