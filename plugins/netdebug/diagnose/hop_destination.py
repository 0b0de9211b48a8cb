"""The destination hop: each destination pod's state, the port and the container declaring it (the
probes then say whether it really listens), or an address outside the cluster."""
from ..model import objects
from ..model.findings import Finding
from .hops import FAIL, Hop, pod_facts
from .pod_state import not_ready_reason, pod_events


def destination_hop(snapshot, pods: list[dict], ports: dict, protocol: str, container: str | None = None) -> Hop:
    hop = Hop("destination", facts={"pods": []})
    for pod in pods:
        facts = pod_facts(pod)
        facts["port"] = ports.get(objects.ref(pod))
        facts["declaredBy"] = declaring_container(pod, facts["port"], protocol, container)
        hop.facts["pods"].append(facts)
    _judge_ready(snapshot, hop, pods)
    leaving = [f for f in hop.facts["pods"] if f.get("terminating")]
    if leaving and len(leaving) == len(pods):
        hop.unknown("destination-terminating", f"{leaving[0]['pod']} is being deleted (since {leaving[0]['terminating']}): "
                    "it answers only until its containers stop (a probe tells)")
    undeclared = [f for f in hop.facts["pods"] if f["port"] and not f["declaredBy"]]
    if undeclared and hop.status != FAIL:
        hop.findings.append(_undeclared(undeclared, protocol, container))
        hop.unknown("port-not-declared", "no container declares the port: it may still listen (a probe tells)")
    return hop


def _judge_ready(snapshot, hop: Hop, pods: list[dict]) -> None:
    known = [p for p in pods if objects.status(p)]
    if known and not any(objects.pod_ready(p) for p in known):
        reasons = [not_ready_reason(p, pod_events(snapshot, p)) for p in known]
        hop.fail(Finding("destination-not-ready", "error", f"no destination pod is ready ({len(known)} checked)",
                         {"not ready": reasons}, "make the pod ready (kubectl describe pod shows why it is not)",
                         f"Pod {objects.ref(known[0])}"))


def declaring_container(pod: dict, port: int | None, protocol: str, only: str | None = None) -> str | None:
    for container in objects.pod_containers(pod):
        if only and container.get("name") != only:
            continue
        for declared in container.get("ports") or []:
            if declared.get("containerPort") == port and (declared.get("protocol") or "TCP") == protocol:
                return container.get("name")
    return None


def _undeclared(facts: list[dict], protocol: str, container: str | None) -> Finding:
    where = f"container {container}" if container else "any container"
    return Finding("port-not-declared", "warning",
                   f"{protocol} port {facts[0]['port']} is not declared by {where} of {facts[0]['pod']}",
                   {"pods": [f["pod"] for f in facts], "port": facts[0]["port"]},
                   "declare the port in the container spec (ports: containerPort) if the app listens there; "
                   "otherwise use the port the app really listens on", f"Pod {facts[0]['pod']}")


def outside_destination_hop(address: str) -> Hop:
    hop = Hop("destination", facts={"outside": address})
    return hop.unknown("outside-cluster", "outside the cluster: only a probe can tell whether it answers")
