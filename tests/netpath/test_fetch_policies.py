"""The live reader of policies (kube/policies) behind netpath's targeted fetch, without root: admin policy
kinds the API server does not serve (CRDs not installed, 404) are no gap; forbidden ones (403) are, and
the policy hop then says it could not see them instead of judging."""
from netdebug.cli.path_query import build_query
from netdebug.cli.path_fetch import fetch
from netdebug.diagnose.path import walk
from netdebug.diagnose.target import parse_destination, parse_source
from netdebug.model.gaps import FORBIDDEN, NOT_SERVED, Gap
from netdebug.model.kinds import ADMIN_POLICY_KINDS
from tests.fakeruntime import FakeRuntime

TIERS = "tests/scenarios/netpath/tiers"


class AdminKindsFail(FakeRuntime):
    def __init__(self, reason: str):
        super().__init__(TIERS)
        self.reason = reason

    def list(self, kind, namespace=None, label_selector=None, field_selector=None):
        if kind in ADMIN_POLICY_KINDS:
            self.gaps.append(Gap(kind, None, self.reason, resource=kind.lower() + "s"))
            return []
        return super().list(kind, namespace, label_selector, field_selector)


def walked(cluster, src="partners/client", dst="payments/ledger"):
    source, destination = parse_source(src), parse_destination(dst)
    snapshot = fetch(cluster, source, destination, "default")
    return snapshot, walk(snapshot, build_query(snapshot, source, destination, "default", False))


def test_admin_policies_are_read_and_decide():
    snapshot, report = walked(FakeRuntime(TIERS))
    assert {kind: len(snapshot.of(kind)) for kind in ADMIN_POLICY_KINDS} == \
        {"AdminNetworkPolicy": 2, "BaselineAdminNetworkPolicy": 1, "ClusterNetworkPolicy": 0}
    assert report.verdict == "blocked at policy"
    assert report.hop("policy").findings[0].subject == "AdminNetworkPolicy guard-payments"


def test_not_served_admin_kinds_are_no_gap():
    snapshot, report = walked(AdminKindsFail(NOT_SERVED))
    assert snapshot.gaps == [] and report.hop("policy").status == "ok" and report.verdict == "reachable"


def test_forbidden_admin_kinds_are_a_gap_and_an_unknown_policy_hop():
    snapshot, report = walked(AdminKindsFail(FORBIDDEN))
    assert {g.kind for g in snapshot.gaps} == set(ADMIN_POLICY_KINDS)
    policy = report.hop("policy")
    assert (policy.status, policy.code) == ("unknown", "policy-not-visible") and report.verdict == "unknown"
