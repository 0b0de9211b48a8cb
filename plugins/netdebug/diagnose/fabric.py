"""Node fabric or pod-local? When SRC -> DST fails or loses packets, the same probe towards a peer on
SRC's node and a peer on DST's node tells the node-to-node network from a problem of one pod. Pure.
"""
from dataclasses import dataclass

from ..model import objects
from ..model.findings import Finding

REACHED = ("ok", "refused")  # a refusal came back from the pod: the network path works
# what the comparison explains better: a timeout nobody explained, packets seen to vanish between pods
VERB = {"fails": "cannot reach", "lossy": "lose packets to", "slow": "have slow round trips to"}
GOOD = {"fails": "without loss", "lossy": "without loss", "slow": "quickly"}
BAD = {"lossy": "loses packets", "slow": "is slow"}
REPLACES = ("dropped-unexplained", "capture-dropped-in-transit", "capture-unanswered")


@dataclass(frozen=True)
class Peer:
    role: str  # same-node (SRC's node) | destination-node
    pod: str  # ns/name
    node: str
    ip: str
    port: int


@dataclass(frozen=True)
class Result:
    peer: Peer
    sent: int
    reached: int  # answered or refused
    loss_percent: float
    median_ms: float | None = None  # round trip of the answered attempts
    slow: bool = False  # judged against the path's problem "slow"

    @property
    def works(self) -> bool:
        return self.sent > 0 and self.reached == self.sent and not self.slow

    def to_dict(self) -> dict:
        data = {"role": self.peer.role, "pod": self.peer.pod, "node": self.peer.node,
                "target": f"{self.peer.ip}:{self.peer.port}", "sent": self.sent, "reached": self.reached,
                "lossPercent": self.loss_percent}
        return {**data, "medianMs": self.median_ms} if self.median_ms is not None else data


def choose_peers(pods: list[dict], role: str, node: str, exclude: set, allowed, limit: int = 2) -> list[Peer]:
    """Up to `limit` running, ready pods on `node` with an IP and a declared TCP port that policy lets SRC
    reach (`allowed(pod, port)`); never one of `exclude`. Two, so that one pod with a problem of its own
    does not pass for the node's. Sorted by name: the same cluster gives the same peers."""
    found = []
    for pod in sorted(pods, key=objects.ref):
        if objects.ref(pod) in exclude or objects.spec(pod).get("hostNetwork") or objects.spec(pod).get("nodeName") != node:
            continue
        port = _tcp_port(pod)
        ips = objects.pod_ips(pod)
        if ips and port and _ready(pod) and allowed(pod, port):
            found.append(Peer(role, objects.ref(pod), node, ips[0], port))
        if len(found) == limit:
            break
    return found


def _tcp_port(pod: dict) -> int | None:
    return next((p["containerPort"] for c in objects.pod_containers(pod) for p in c.get("ports") or []
                 if (p.get("protocol") or "TCP") == "TCP" and isinstance(p.get("containerPort"), int)), None)


def _ready(pod: dict) -> bool:
    status = pod.get("status") or {}
    return status.get("phase") == "Running" and any(c.get("type") == "Ready" and c.get("status") == "True"
                                                    for c in status.get("conditions") or [])


def result(peer: Peer, attempts: list[tuple], slow_ms: float | None = None) -> Result:
    """slow_ms: when the path's problem is slowness, a median round trip above it does not "work"."""
    reached = [ms for outcome, ms in attempts if outcome in REACHED]
    loss = round(100.0 * (len(attempts) - len(reached)) / len(attempts), 1) if attempts else 0.0
    median = sorted(reached)[len(reached) // 2] if reached else None
    slow = slow_ms is not None and median is not None and median > slow_ms
    return Result(peer, len(attempts), len(reached), loss, round(median, 3) if median is not None else None, slow)


def conclude(source: str, source_node: str, destination: str, destination_node: str, problem: str,
             results: list[Result]) -> list[Finding]:
    """problem: "fails", "lossy" or "slow" (SRC -> DST). One finding saying where the problem lives."""
    same = [r for r in results if r.peer.role == "same-node"]
    other = [r for r in results if r.peer.role == "destination-node"]
    evidence = {"comparison": [r.to_dict() for r in results], "problem": f"{source} -> {destination} {problem}"}
    if same and not any(r.works for r in same):
        return [_finding("source-pod-network", "error", f"{source} has trouble reaching {_names(same)} on its own node "
                         f"{source_node} too: the problem is at the source pod", evidence,
                         "check the source pod: its own firewall/egress rules, its interface and routes, its node's CNI agent")]
    working = [r for r in (other if destination_node != source_node else same) if r.works]
    if working:
        return [_finding("destination-pod-local", "error",
                         f"{source} reaches {working[0].peer.pod} on {destination_node} {GOOD[problem]}, but "
                         f"{'not ' + destination if problem == 'fails' else destination + ' ' + BAD[problem]}: the problem is "
                         f"local to {destination} (its firewall, its app, its interface), not the network between nodes",
                         evidence, "look inside the destination pod: iptables/sidecar rules, the app, its veth",
                         "error" if problem == "fails" else "warning")]
    if other and same:
        return [_finding("node-fabric-broken", "error" if problem == "fails" else "warning",
                         f"pods on {source_node} {VERB[problem]} pods on "
                         f"{destination_node} (also {_names(other)}), same-node traffic works ({_names(same, True)}): "
                         f"the CNI overlay or the routes between {source_node} and {destination_node}",
                         evidence, f"check the CNI between {source_node} and {destination_node}: tunnel/overlay endpoints, "
                         "routes, node firewalls and security groups, MTU")]
    return []


def _names(results: list[Result], working: bool = False) -> str:
    return ", ".join(r.peer.pod if working else f"{r.peer.pod}: {_how(r)}" for r in results if not working or r.works)


def _how(result: Result) -> str:
    return f"median {result.median_ms:g} ms" if result.slow else f"{result.loss_percent:g}% lost"


def _finding(code: str, severity: str, message: str, evidence: dict, fix: str, level: str | None = None) -> Finding:
    return Finding(code, level or severity, message, evidence, fix, subject="node fabric")
