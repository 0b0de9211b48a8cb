"""Batched probes: each exec's URL (argv goes into its query string) stays under an 8 KiB request line."""
from urllib.parse import urlencode

import pytest

from netdebug.probe.scripts import PY_RESOLVE, PY_SWEEP, SWEEP_LOOPS
from netdebug.probe.sweep import chunks
from netdebug.model.probes import ProbeSpec

REQUEST_LINE_LIMIT = 8190  # aiohttp's default; many proxies in front of API servers use 8 KiB too


def exec_url(argv: list[str]) -> str:
    query = urlencode([("container", "client"), ("stdout", "true"), ("stderr", "true")] +
                      [("command", arg) for arg in argv])
    return f"GET /api/v1/namespaces/bench/pods/client/exec?{query} HTTP/1.1"


@pytest.mark.parametrize("script,argv_head,address", [
    (PY_SWEEP, ["python3", "-c", PY_SWEEP, "1"], "10.244.{}.{}"),
    (PY_SWEEP, ["python3", "-c", PY_SWEEP, "1"], "fd00:10:244:{:x}::{:x}"),
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


def test_hundred_ipv4_endpoints_take_one_exec_and_dns_names_one():
    specs = [ProbeSpec("tcp", "b", "c", "c", f"10.244.0.{i}", 8080) for i in range(100)]
    assert len(chunks(specs, PY_SWEEP)) == 1
    names = [ProbeSpec("dns", "b", "c", "c", n) for n in ("web", "web.shop", "web.shop.svc.cluster.local")]
    assert chunks(names, PY_RESOLVE) == [names]
