"""The policy engine: may SRC reach DST, and which rule of which policy decides.

Traffic is allowed when the source's egress side and the destination's ingress side both allow it.
A side is evaluated only for a pod; a pod that no NetworkPolicy selects for a direction is not
isolated in it. Admin policies, when the snapshot has any, fold in around NetworkPolicies (tiers.py).
Verdicts carry their explanation as data (RuleRef), never sentences.
"""
from ..errors import InputError
from ..model import objects
from ..model.snapshot import Snapshot
from .admin import compile_admin
from .compile import POLICY_TYPE, CompiledPolicy, compile_policy
from .peers import NO_MATCH, Endpoint
from .ports import NONE, ConnectionSet
from .tiers import apply_tiers, narrow_tiers
from .verdict import DirectionVerdict, RuleRef, Verdict

__all__ = ["PolicyEngine", "Endpoint", "Verdict", "DirectionVerdict", "RuleRef"]


class PolicyEngine:
    """Compiled NetworkPolicies of one snapshot, indexed by namespace. Pure: no I/O."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.problems: list[str] = []  # why the API server would reject a policy (it is left out)
        self.policies = self._compile(snapshot.of("NetworkPolicy"))
        self._by_namespace: dict[str, list[CompiledPolicy]] = {}
        for policy in self.policies:
            self._by_namespace.setdefault(policy.namespace, []).append(policy)
        self._by_ref = {policy.ref: policy for policy in self.policies}
        self._namespace_labels: dict[str, dict] = {}
        self.tiers, admin_problems = compile_admin(snapshot)
        self.problems += admin_problems
        self.tiered = bool(self.tiers["admin"] or self.tiers["baseline"])
        self._endpoints: dict[int, Endpoint] = {}

    def _compile(self, policies: list[dict]) -> list[CompiledPolicy]:
        compiled = []
        for policy in policies:
            found, problems = compile_policy(policy)
            self.problems += problems
            compiled += [found] if found is not None else []
        return sorted(compiled, key=lambda p: p.ref)  # explanations list policies in one stable order

    def namespace_labels(self, namespace: str) -> dict:
        if namespace not in self._namespace_labels:
            self._namespace_labels[namespace] = self.snapshot.namespace_labels(namespace)
        return self._namespace_labels[namespace]

    def endpoint(self, pod: dict) -> Endpoint:
        """Endpoint.for_pod, built once per pod object: a triage checks the same pods for many Services."""
        found = self._endpoints.get(id(pod))
        if found is None or found.pod is not pod:
            found = self._endpoints[id(pod)] = Endpoint.for_pod(pod)
        return found

    def policies_selecting(self, endpoint: Endpoint, direction: str) -> list[CompiledPolicy]:
        """Policies of the pod's namespace whose podSelector matches it and that cover this direction."""
        if not endpoint.is_pod or endpoint.host_network:  # hostNetwork pods are not isolated by NetworkPolicy
            return []
        return [p for p in self._by_namespace.get(endpoint.namespace, ())
                if direction in p.types and p.selector.matches(endpoint.labels)]

    def side(self, direction: str, source: Endpoint, destination: Endpoint, policies=None,
             distinct: bool = False) -> DirectionVerdict:
        """One side with the set of connections it admits (rules not yet narrowed to a port).

        `policies` may pass the policies selecting the subject when the caller already knows them;
        `distinct` evaluates two endpoints as different pods even when they are the same (for classes)."""
        subject, peer = (source, destination) if direction == "egress" else (destination, source)
        if not subject.is_pod:
            return DirectionVerdict(direction, None)
        verdict = DirectionVerdict(direction, subject.ref, cni_defined=subject.host_network or peer.host_network,
                                   loopback=not distinct and peer.is_pod and peer.ref == subject.ref)
        if subject.host_network:
            return verdict
        policies = self.policies_selecting(subject, direction) if policies is None else policies
        if policies:
            verdict.isolated, verdict.policies = True, [p.ref for p in policies]
        if verdict.loopback:
            return verdict
        if policies:
            verdict.connections, verdict.rules = self._admitted(policies, direction, peer, destination)
            verdict.allowed = bool(verdict.connections)
        if self.tiered:
            apply_tiers(self, verdict, subject, peer, destination)
        return verdict

    def _admitted(self, policies, direction, peer, destination):
        peer_ns_labels = self.namespace_labels(peer.namespace) if peer.is_pod else {}
        connections, refs = NONE, []
        for policy in policies:
            for rule in policy.rules(direction):
                peer_index = rule.match_peer(peer, policy.namespace, peer_ns_labels)
                if peer_index == NO_MATCH:
                    continue
                admitted = rule.connections(destination)
                if admitted:
                    connections = connections | admitted
                    refs.append(RuleRef(policy.ref, "NetworkPolicy", direction, rule.index, peer_index, None))
        return connections, refs

    def allowed_connections(self, source: Endpoint, destination: Endpoint, distinct: bool = False) -> ConnectionSet:
        return self.side("egress", source, destination, distinct=distinct).connections & \
            self.side("ingress", source, destination, distinct=distinct).connections

    @property
    def admin_rules(self) -> list:
        return self.tiers["admin"] + self.tiers["baseline"]

    def check(self, source: Endpoint, destination: Endpoint, port: int | str | None = None,
              protocol: str = "TCP") -> Verdict:
        """The verdict for one protocol/port (a named port is resolved on the destination pod);
        with port None: whether any port of the protocol is allowed."""
        protocol = protocol.upper()
        number = self.resolve_port(destination, port, protocol)
        sides = [self._narrow(self.side(d, source, destination), protocol, number, destination)
                 for d in ("egress", "ingress")]
        return Verdict(source.ref, destination.ref, protocol, number, all(s.allowed for s in sides),
                       sides[0], sides[1], port if isinstance(port, str) else None)

    @staticmethod
    def resolve_port(destination: Endpoint, port, protocol: str) -> int | None:
        if not isinstance(port, str):
            return port
        if port.isdigit():
            return int(port)
        number = destination.named_ports.get((port, protocol))
        if number is None:
            raise InputError(f"{destination.ref}: no container port named {port!r} ({protocol})")
        return number

    def _narrow(self, side: DirectionVerdict, protocol: str, port: int | None, destination) -> DirectionVerdict:
        if side.tiers is not None:
            return narrow_tiers(side, protocol, port, destination, self._narrow_networkpolicy)
        return self._narrow_networkpolicy(side, protocol, port, destination)

    def _narrow_networkpolicy(self, side: DirectionVerdict, protocol: str, port, destination) -> DirectionVerdict:
        if side.pod is None or not side.isolated or side.loopback:
            return side
        side.allowed = side.connections.contains(protocol, port)
        kept = []
        for ref in side.rules if side.allowed else []:
            rule = self.policy(ref.policy).rules(ref.direction)[ref.rule]
            if not rule.connections(destination).contains(protocol, port):
                continue
            index = None if port is None else rule.port_index(protocol, port, destination)
            kept.append(RuleRef(ref.policy, ref.kind, ref.direction, ref.rule, ref.peer, index))
        side.rules = kept
        return side

    def selecting(self, pod: dict) -> list[tuple[str, tuple[str, ...]]]:
        """(policy ref, directions) for each policy that selects this pod."""
        endpoint = Endpoint.for_pod(pod)
        found = []
        for policy in self._by_namespace.get(endpoint.namespace, ()):
            if policy.selector.matches(endpoint.labels):
                found.append((policy.ref, tuple(POLICY_TYPE[d] for d in ("ingress", "egress") if d in policy.types)))
        return found

    def pods_selected_by(self, policy_ref: str) -> list[dict]:
        policy = self.policy(policy_ref)
        if policy is None:
            return []
        return [pod for pod in self.snapshot.in_namespace("Pod", policy.namespace)
                if policy.selector.matches(objects.labels(pod))]

    def policy(self, policy_ref: str) -> CompiledPolicy | None:
        return self._by_ref.get(policy_ref)
