"""A meshed destination whose mutual-TLS mode RBAC hid (PeerAuthentications forbidden): its sidecar completes
every TCP handshake, so a connect proves nothing; the verdict stays unknown unless an HTTP answer came back."""
import json

import pytest

from tests.support import run_plugin

pytestmark = [pytest.mark.sim, pytest.mark.parametrize("sim_cluster", ["tests/scenarios/netpath/mesh"], indirect=True)]
HIDDEN = [{"user": "admin", "verb": "list", "resource": "peerauthentications", "action": "forbid"}]


def netpath(capsys, sim, *args) -> tuple[int, dict]:
    sim.server.set_faults(HIDDEN)
    try:
        code, out, err = run_plugin(capsys, "netpath", *args, "--timeout", "1", "-o", "json", "--kubeconfig", sim.kubeconfig)
    finally:
        sim.server.set_faults([])
    assert not err, err
    return code, json.loads(out)


def destination(report: dict) -> dict:
    return next(h for h in report["hops"] if h["name"] == "destination")


@pytest.mark.parametrize("http", [[], ["--http", "/"]])
def test_a_strict_destination_is_unknown_not_reachable(capsys, sim_cluster, http):
    code, report = netpath(capsys, sim_cluster, "mesh/client", "svc/api", *http)
    assert (code, report["verdict"], destination(report).get("code")) == (1, "unknown", "mesh-mode-not-visible")


def test_an_http_answer_shows_plain_text_is_accepted(capsys, sim_cluster):
    code, report = netpath(capsys, sim_cluster, "mesh/client", "open/web", "--port", "8080", "--http", "/")
    assert (code, report["verdict"], destination(report)["status"]) == (0, "reachable", "ok")
