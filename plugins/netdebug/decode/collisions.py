"""What a set of objects holds that one cluster would not make plain: admin policies of equal priority."""
from collections import defaultdict

from ..model import objects
from ..model.snapshot import Snapshot


def equal_priority_warnings(snapshot: Snapshot) -> list[str]:
    """AdminNetworkPolicies (and ClusterNetworkPolicies of one tier) sharing a priority: the API leaves
    their order undefined, so an answer that depends on it may differ between clusters."""
    groups = defaultdict(list)
    for policy in snapshot.of("AdminNetworkPolicy"):
        groups["AdminNetworkPolicy", objects.spec(policy).get("priority")].append(objects.name(policy))
    for policy in snapshot.of("ClusterNetworkPolicy"):
        spec = objects.spec(policy)
        groups[f"ClusterNetworkPolicy (tier {spec.get('tier')})", spec.get("priority")].append(objects.name(policy))
    return [f"{kind} {', '.join(sorted(names))} share priority {priority}: the API does not define "
            "which of them is evaluated first" for (kind, priority), names in sorted(groups.items(), key=str)
            if len(names) > 1 and priority is not None]
