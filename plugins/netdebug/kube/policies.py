"""The one live reader of everything that can decide a connection: NetworkPolicies and the admin
tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy v1alpha1, ClusterNetworkPolicy v1alpha2).

netpolicy (through fetch_snapshot), netpath and svcdebug read the same kinds the same way. The admin
kinds are CRDs: a cluster without them answers 404, which is no gap in any answer (`without_unserved`);
a forbidden read (403) stays a gap, and the answer says it could not see those policies.
"""
from ..model.gaps import NOT_SERVED
from ..model.kinds import ADMIN_POLICY_KINDS, MESH_POLICY_KINDS


def policy_reads(cluster, namespaces=(None,)) -> list:
    """Calls (to run in parallel) listing the NetworkPolicies of these namespaces (None: all) and every
    admin policy; each returns a list of objects."""
    calls = [(lambda ns=ns: cluster.list("NetworkPolicy", ns)) for ns in dict.fromkeys(namespaces)]
    return calls + [(lambda kind=kind: cluster.list(kind)) for kind in ADMIN_POLICY_KINDS]


def without_unserved(gaps) -> list:
    """The gaps an answer must mention: an admin or mesh policy kind the server does not serve is simply
    not installed."""
    return [g for g in gaps if not (g.kind in ADMIN_POLICY_KINDS + MESH_POLICY_KINDS and g.reason == NOT_SERVED)]
