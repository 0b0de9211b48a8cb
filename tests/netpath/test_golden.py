"""Golden files: the drawn path (text) and the JSON report, from manifests."""
import pytest

from .conftest import SCENARIOS, netpath

CASES = {
    "pod-policy-denied": ("pods", "app/client", "app/locked"),
    "service-other-namespace": ("services", "shop/client", "api"),
    "service-healthy": ("services", "shop/client", "http://web/healthz"),
    "external-ingress-no-class": ("external", "external", "http://noclass.example.com/"),
    "containers-localhost": ("containers", "app/duo", "app/duo", "-c", "sidecar", "--to-container", "web"),
    "tiers-admin-deny": ("tiers", "partners/client", "payments/ledger"),
    "tiers-service-port-near-miss": ("tiers", "shop/deploy/web", "svc/api", "-n", "shop"),
    "composite-both-sides-denied": ("composite", "web/reporter", "data/sts/db"),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_golden(name, fmt, golden):
    scenario, *args = CASES[name]
    _, out = netpath(*args, "-f", str(SCENARIOS / scenario), "-o", fmt)
    golden(f"{name}.{'txt' if fmt == 'text' else 'json'}", out)
