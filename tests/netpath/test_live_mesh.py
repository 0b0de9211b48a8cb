"""Service mesh (tests/scenarios/netpath/mesh): Istio STRICT mutual TLS as the simulator plays it (the
sidecar resets plain text after the handshake), a sidecar that is not ready, port-level exceptions."""
import pytest

from .conftest import codes, hop, live, offline, probe


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/mesh"], indirect=True)
@pytest.mark.parametrize("args,verdict,first", [
    (("mesh/client", "svc/api"), "blocked at destination", "mesh-mtls-required"),  # not in the mesh
    (("mesh/meshed-client", "svc/api"), "reachable", None),  # probes leave through its sidecar
    (("mesh/client", "open/web", "--port", "8080"), "reachable", None),  # PERMISSIVE
    (("mesh/client", "open/web", "--port", "9090"), "blocked at destination", "mesh-mtls-required"),  # port STRICT
    (("mesh/meshed-client", "open/web", "--port", "9090"), "reachable", None),
    (("mesh/client", "emojivoto/voting"), "blocked at destination", "mesh-mtls-required"),  # Linkerd, authenticated only
    (("emojivoto/web", "emojivoto/voting"), "reachable", None),  # meshed with Linkerd
    (("mesh/meshed-client", "emojivoto/voting"), "blocked at destination", "mesh-mtls-required"),  # Istio is not Linkerd
])
def test_mutual_tls(sim_cluster, args, verdict, first):
    code, report = live(sim_cluster, *args, "--timeout", "1")
    assert report["verdict"] == verdict and (codes(report) or [None])[0] == first, report["findings"]
    assert code == (0 if verdict == "reachable" else 1)


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/mesh"], indirect=True)
def test_plain_text_is_reset_not_dropped(sim_cluster):
    """The TCP handshake completes with the sidecar; the request is reset: said as mTLS, not as a drop."""
    _, report = live(sim_cluster, "mesh/client", "svc/api", "--http", "/", "--timeout", "1")
    assert probe(report, "service")["outcome"] == "connected"
    assert probe(report, "http")["outcome"] != "http"
    assert "dropped-unexplained" not in codes(report) and "not-listening" not in codes(report)
    assert hop(report, "source")["facts"].get("mesh") is None


@pytest.mark.sim
@pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/mesh"], indirect=True)
def test_sidecar_not_ready(sim_cluster):
    _, report = live(sim_cluster, "mesh/meshed-client", "sick", "--port", "8080", "--timeout", "1")
    assert "mesh-sidecar-not-ready" in codes(report)
    assert hop(report, "source")["facts"]["mesh"].startswith("Istio")


def test_mutual_tls_offline():
    code, report = offline("mesh", "mesh/client", "svc/api")
    assert (code, hop(report, "destination")["code"]) == (1, "mesh-mtls-required")
    assert offline("mesh", "mesh/meshed-client", "svc/api")[1]["verdict"] == "reachable"
