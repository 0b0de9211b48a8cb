"""svcdebug without a name: every Service in scope from one snapshot, ranked like `kubectl get`.

Offline on a generated cluster with planted faults (benchmarks/triage_cluster.py), live on the simulated
cluster: every planted fault is found, healthy Services stay ok, API reads do not grow with Services.
"""
import json
import sys
from pathlib import Path

import pytest

from netdebug.cli.options import ClusterOptions
from netdebug.errors import InputError

from .conftest import svcdebug

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import triage_cluster  # noqa: E402

LIVE_ONLY = {"endpoints-not-ready"}  # readiness comes from the cluster's status, not from YAML


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("triage")
    triage_cluster.write(str(out), services=60, namespaces=3, seed=7)
    return out


def expected(generated: Path, key: str = "code") -> dict[str, str | None]:
    """Service -> the code a diagnosis must report: statically ("code"), or once probes ran ("probedCode")."""
    return {f"{e['namespace']}/{e['name']}": e[key] for e in json.loads((generated / "expected.json").read_text())}


def by_service(reports: list[dict]) -> dict[str, dict]:
    return {r["service"]: r for r in reports}


def test_offline_all_namespaces_finds_every_planted_fault(generated):
    code, out = svcdebug("-A", "-f", str(generated / "cluster"), "-o", "json")
    reports = by_service(json.loads(out))
    assert code == 1
    for service, fault in expected(generated).items():
        found = [f["code"] for f in reports[service]["findings"]]
        if fault is None or fault in LIVE_ONLY:
            assert reports[service]["verdict"] == "ok", (service, found)
        else:
            assert fault in found, (service, fault, found)


def test_ranked_errors_then_warnings_then_ok(generated):
    _, out = svcdebug("-A", "-f", str(generated / "cluster"), "-o", "json")
    order = [{"error": 0, "warning": 1, "ok": 2}[r["verdict"]] for r in json.loads(out)]
    assert order == sorted(order) and order[0] == 0


def test_namespace_scope_and_table(generated):
    code, out = svcdebug("-n", "team-01", "-f", str(generated / "cluster"))
    lines = out.splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "TYPE", "VERDICT", "FIRST", "FINDING", "ENDPOINTS"]
    rows = [line for line in lines[1:] if line.startswith("team-")]
    assert rows and all(row.startswith("team-01 ") for row in rows)
    _, out_json = svcdebug("-n", "team-01", "-f", str(generated / "cluster"), "-o", "json")
    assert code == (1 if any(r["verdict"] == "error" for r in json.loads(out_json)) else 0)
    assert f"{len(rows)} Services:" in out


def test_wide_adds_the_fix(generated):
    _, out = svcdebug("-n", "team-02", "-f", str(generated / "cluster"), "-o", "wide")
    assert out.splitlines()[0].rstrip().endswith("FIX")


def test_selector_picks_services_by_their_labels(generated):
    _, out = svcdebug("-A", "-l", "tier=api", "-f", str(generated / "cluster"), "-o", "json")
    services = [r["service"] for r in json.loads(out)]
    assert len(services) == 30 and all(int(s.rsplit("-", 1)[1]) % 2 for s in services), services


@pytest.mark.parametrize("args", [["--port", "80"], ["--from", "client"]])
def test_one_service_options_without_a_service_are_bad_input(generated, args):
    with pytest.raises(InputError, match="one Service"):
        svcdebug("-n", "team-00", "-f", str(generated / "cluster"), *args)


def test_all_namespaces_with_a_service_is_bad_input(generated):
    with pytest.raises(InputError, match="leave out SVC"):
        svcdebug("svc-0000", "-A", "-f", str(generated / "cluster"))


@pytest.fixture(scope="module")
def cluster(generated):
    """The generated cluster, simulated (its own scenario, so not the shared sim_cluster fixture)."""
    from tests.conftest import sim_unavailable, unique_run_name
    from tests.sim.cluster import SimCluster

    reason = sim_unavailable()
    if reason:
        pytest.skip(reason)
    sim = SimCluster.start(str(generated / "cluster"), unique_run_name())
    yield sim
    sim.stop()


@pytest.mark.sim
class TestLive:
    def test_every_planted_fault_live_without_probes(self, generated, cluster):
        code, out = svcdebug("-A", "--no-probe", "--kubeconfig", cluster.kubeconfig, "-o", "json")
        reports = by_service(json.loads(out))
        assert code == 1
        for service, fault in expected(generated).items():
            found = [f["code"] for f in reports[service]["findings"]]
            assert (fault in found) if fault else reports[service]["verdict"] == "ok", (service, fault, found)

    def test_reads_do_not_grow_with_services(self, cluster):
        """One list per kind (and a few second-round reads), whatever the number of Services."""
        from netdebug.cli.svc_triage import _live_snapshot
        from netdebug.kube.client import connect

        api = connect(ClusterOptions(kubeconfig=cluster.kubeconfig, all_namespaces=True))
        snapshot, services = _live_snapshot(api, None, None)
        assert len(services) > 60 and api.api_calls <= 20, api.api_calls  # 14 lists + events + controller pods

    def test_probes_confirm_and_rank(self, generated, cluster):
        code, out = svcdebug("-n", "team-00", "--timeout", "1", "--kubeconfig", cluster.kubeconfig, "-o", "json")
        reports = json.loads(out)
        assert code == 1 and reports[0]["verdict"] == "error"
        for r in reports:
            fault = expected(generated, "probedCode").get(r["service"])
            assert fault is None or fault in [f["code"] for f in r["findings"]], (r["service"], fault, r["findings"])
        healthy = [r for r in reports if expected(generated).get(r["service"]) is None and r["service"].startswith("team-00/")]
        assert healthy and all(r["verdict"] == "ok" and r["probes"] for r in healthy), \
            [(r["service"], [f["code"] for f in r["findings"]]) for r in healthy if r["verdict"] != "ok"]
