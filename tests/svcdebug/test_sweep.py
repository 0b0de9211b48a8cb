"""Batched probes: each exec's URL (argv goes into its query string) stays under an 8 KiB request line."""
from urllib.parse import urlencode

import pytest

from netdebug.probe.scripts import PY_BATCH, SWEEP_LOOPS
from netdebug.probe.sweep import chunks
from netdebug.model.probes import ProbeSpec

REQUEST_LINE_LIMIT = 8190  # aiohttp's default; many proxies in front of API servers use 8 KiB too


def exec_url(argv: list[str]) -> str:
    query = urlencode([("container", "client"), ("stdout", "true"), ("stderr", "true")] +
                      [("command", arg) for arg in argv])
    return f"GET /api/v1/namespaces/bench/pods/client/exec?{query} HTTP/1.1"


@pytest.mark.parametrize("script,argv_head,address", [
    (SWEEP_LOOPS["nc"], ["sh", "-c", SWEEP_LOOPS["nc"], "sh", "1"], "10.244.{}.{}"),
])
def test_every_chunk_fits_the_request_line(script, argv_head, address):
    specs = [ProbeSpec("tcp", "bench", "client", "client", address.format(i // 250, i % 250), 8080)
             for i in range(1000)]
    batches = chunks(specs, script)
    assert sum(len(b) for b in batches) == 1000 and [s for b in batches for s in b] == specs
    for batch in batches:
        argv = argv_head + [arg for spec in batch for arg in (spec.target, str(spec.port))]
        assert len(exec_url(argv)) < REQUEST_LINE_LIMIT
    assert len(batches) <= 12


def test_the_python_batch_url_does_not_grow_with_its_targets():
    """Its items travel on stdin: the exec URL is the script alone, whatever the number of targets."""
    assert len(exec_url(["python3", "-c", PY_BATCH, "1"])) < REQUEST_LINE_LIMIT


def test_one_python_exec_per_source_whatever_the_number_of_targets():
    from netdebug.model.exec_result import ExecResult
    from netdebug.probe.batch import run_batch
    from netdebug.probe.tools import Toolset

    class Recorder:
        calls = []

        def exec(self, namespace, pod, container, argv, stdin=None, timeout=5.0):
            self.calls.append((argv, stdin))
            return ExecResult("", "", 0)

    specs = [ProbeSpec("tcp", "b", "c", "c", f"10.244.{i // 250}.{i % 250}", 8080) for i in range(1000)]
    specs += [ProbeSpec("dns", "b", "c", "c", "web"), ProbeSpec("resolv", "b", "c", "c")]
    cluster = Recorder()
    results = run_batch(cluster, specs, 1.0, {("b", "c", "c"): Toolset(frozenset({"python3"}), shell=True)})
    assert len(cluster.calls) == 1 and cluster.calls[0][1].decode().splitlines()[0] == "1002"
    assert len(results) == 1002 and {r.outcome for r in results} == {"exec-failed"}  # no answer lines: said so
