"""`netpolicy lint`: mistakes in NetworkPolicies, as findings with stable codes (pure).

Each check is a small function over the snapshot's policies; `lint` runs them all in a fixed order.
The engine's compile problems come in as strings ("ns/name: what is wrong").
"""
from ..model.findings import Finding, by_severity
from ..model import objects, selectors
from ..model.snapshot import Snapshot
from . import lint_rules
from .describe import DIRECTIONS, PEERS_KEY, indexed, peer_pods, policy_types, selected_pods



def lint(snapshot: Snapshot, problems: list[str] = (), workload_of=None) -> list[Finding]:
    """workload_of(snapshot, pod) -> (kind, name) groups unprotected pods by workload (default: per pod)."""
    snapshot = indexed(snapshot)
    policies = sorted(snapshot.of("NetworkPolicy"), key=objects.ref)
    selected = {objects.ref(p): selected_pods(p, snapshot) for p in policies}
    findings = invalid_policies(problems)
    for policy in policies:
        findings += policy_findings(policy, snapshot, selected[objects.ref(policy)])
    findings += lint_rules.egress_blocks_dns(snapshot, policies, selected)
    findings += lint_rules.duplicates(policies)
    findings += unprotected_pods(snapshot, selected, workload_of or pod_itself)
    return by_severity(findings)


def policy_findings(policy: dict, snapshot: Snapshot, pods: list[dict]) -> list[Finding]:
    found = selects_no_pods(policy, pods) + rules_outside_types(policy)
    for direction, index, rule in rules_of(policy):
        found += and_or_mistakes(policy, direction, index, rule)
        found += peers_matching_nothing(policy, snapshot, direction, index, rule)
        found += ipblocks_covering_pods(policy, snapshot, direction, index, rule)
        found += lint_rules.named_ports_undefined(policy, snapshot, pods, direction, index, rule)
    return found


def rules_of(policy: dict):
    """(direction, index, rule) for every rule that is in effect (its direction is in policyTypes)."""
    spec = objects.spec(policy)
    for direction in policy_types(policy):
        for index, rule in enumerate(spec.get(direction) or []):
            yield direction, index, rule or {}


def subject(policy: dict) -> str:
    return f"NetworkPolicy {objects.ref(policy)}"


def invalid_policies(problems) -> list[Finding]:
    return [Finding("invalid-policy", "error", f"invalid policy: {p}", {"problem": p},
                    "fix the field named; the API server would reject this policy",
                    f"NetworkPolicy {p.split(':', 1)[0]}")
            for p in problems]


def selects_no_pods(policy: dict, pods: list[dict]) -> list[Finding]:
    if pods:
        return []
    selector = selectors.to_string(objects.spec(policy).get("podSelector") or {})
    return [Finding("policy-selects-no-pods", "warning",
                    f"{subject(policy)} selects no pods (podSelector {selector} in namespace {objects.namespace(policy)})",
                    {"podSelector": selector, "namespace": objects.namespace(policy)},
                    "check the podSelector labels against the pods' labels", subject(policy))]


def rules_outside_types(policy: dict) -> list[Finding]:
    spec, types = objects.spec(policy), policy_types(policy)
    found = []
    for direction in DIRECTIONS:
        if spec.get(direction) and direction not in types:
            found.append(Finding(f"{direction}-rules-without-{direction}-type", "warning",
                                 f"{subject(policy)} has {direction} rules but policyTypes [{', '.join(spec['policyTypes'])}] "
                                 f"does not list {direction.capitalize()}: they are ignored",
                                 {"policyTypes": spec.get("policyTypes"), "rules": len(spec[direction])},
                                 f"add {direction.capitalize()} to policyTypes, or delete the {direction} rules",
                                 subject(policy)))
    return found


def and_or_mistakes(policy: dict, direction: str, index: int, rule: dict) -> list[Finding]:
    peers = rule.get(PEERS_KEY[direction]) or []
    found = []
    for position in range(len(peers) - 1):
        first, second = peers[position] or {}, peers[position + 1] or {}
        if set(first) == {"namespaceSelector"} and set(second) == {"podSelector"}:
            found.append(Finding("and-or-mistake", "warning",
                                 f"{subject(policy)} {direction} rule {index}: peers {position} and {position + 1} are "
                                 "separate (OR): any pod in the selected namespaces, or the selected pods of this namespace",
                                 {"direction": direction, "rule": index, "peers": [position, position + 1]},
                                 "if you meant pods matching both selectors, put namespaceSelector and podSelector "
                                 "in ONE list item (drop the '-' before podSelector)", subject(policy)))
    return found


def peers_matching_nothing(policy: dict, snapshot: Snapshot, direction: str, index: int, rule: dict) -> list[Finding]:
    found = []
    for position, peer in enumerate(rule.get(PEERS_KEY[direction]) or []):
        if not peer or "ipBlock" in peer or peer_pods(peer, objects.namespace(policy), snapshot):
            continue
        found.append(Finding("peer-selector-matches-nothing", "warning",
                             f"{subject(policy)} {direction} rule {index} peer {position} matches no pod "
                             f"({lint_rules.peer_text(peer, objects.namespace(policy))})",
                             {"direction": direction, "rule": index, "peer": position},
                             "check the selector labels against the pods' and namespaces' labels", subject(policy)))
    return found


def ipblocks_covering_pods(policy: dict, snapshot: Snapshot, direction: str, index: int, rule: dict) -> list[Finding]:
    found = []
    for position, peer in enumerate(rule.get(PEERS_KEY[direction]) or []):
        block = (peer or {}).get("ipBlock")
        covered = lint_rules.pods_in_block(block, snapshot) if block else []
        if covered:
            found.append(Finding("ipblock-covers-pod-ips", "warning",
                                 f"{subject(policy)} {direction} rule {index}: ipBlock {block.get('cidr')} covers the IPs "
                                 f"of {len(covered)} pod(s), which are then matched by IP (pod IPs change on restart)",
                                 {"direction": direction, "rule": index, "peer": position, "pods": covered},
                                 "select pods with podSelector/namespaceSelector; keep ipBlock for addresses outside "
                                 "the cluster (or add the pod CIDR to except)", subject(policy)))
    return found


def pod_itself(snapshot, pod: dict) -> tuple[str, str]:
    return "Pod", objects.name(pod)


def unprotected_pods(snapshot: Snapshot, selected: dict[str, list[dict]], workload_of=pod_itself) -> list[Finding]:
    """One finding per workload (workload_of(snapshot, pod) -> (kind, name)) with pods no policy selects."""
    protected = {objects.ref(pod) for pods in selected.values() for pod in pods}
    groups: dict[str, list[str]] = {}
    for pod in sorted(snapshot.of("Pod"), key=objects.ref):
        if objects.ref(pod) not in protected and not objects.host_network(pod):
            kind, name = workload_of(snapshot, pod)
            groups.setdefault(f"{kind} {objects.namespace(pod)}/{name}", []).append(objects.ref(pod))
    return [Finding("pod-unprotected", "info", f"{workload} ({len(pods)} pod{'s' if len(pods) > 1 else ''}) is "
                    "selected by no NetworkPolicy: it accepts and sends any traffic", {"pods": pods},
                    "add a default-deny policy for its namespace and allow what it needs", workload)
            for workload, pods in groups.items()]
