"""`matrix -o mermaid|html`: the workload graph, collapsed edges, and a real Graphviz rendering."""
import re
import shutil
import subprocess

import pytest

from netdebug.cli.netpolicy import command
from netdebug.render.graph import collapsed_edges

from .conftest import ROOT, invoke

SHOP = str(ROOT / "examples" / "shop")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed (apt-get install graphviz)")


def report_of(cells, port=None):
    groups = [{"name": f"ns/w{i}", "kind": "Deployment", "pods": ["p"]} for i in range(len(cells))]
    return {"groups": groups, "cells": cells, "port": port, "protocol": "TCP" if port else None}


def test_edges_with_the_same_ports_are_collapsed():
    report = report_of([[None, "TCP 80", "TCP 80", "none"], ["all", None, "none", "none"],
                        ["none", "none", None, "none"], ["TCP 80", "TCP 80", "UDP 53", None]])
    assert collapsed_edges(report) == [(0, "TCP 80", [1, 2]), (1, "all", [0]), (3, "TCP 80", [0, 1]), (3, "UDP 53", [2])]


def test_port_mode_edges():
    report = report_of([[None, True, False], ["some", None, True], [False, False, None]], port=8080)
    assert collapsed_edges(report) == [(0, "TCP 8080", [1]), (1, "TCP 8080", [2]), (1, "TCP 8080 (some pods)", [0])]


def test_mermaid_golden(golden):
    code, out = invoke(command, ["matrix", "-f", SHOP, "-o", "mermaid"])
    assert code == 0 and out.startswith("flowchart LR\n")
    golden("matrix-shop.mmd", out)


@needs_dot
def test_html_is_self_contained_with_matrix_and_svg_graph():
    code, out = invoke(command, ["matrix", "-f", SHOP, "-o", "html"])
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert not re.search(r"(src|href)=\"https?://", out), "the page must not need the network"
    svg = out[out.index("<svg"):out.index("</svg>")]
    for workload in ("frontend", "backend", "db", "prometheus", "coredns"):
        assert workload in svg
    assert out.count("<tr>") == 1 + 5  # header + one row per workload


@needs_dot
def test_graphviz_draws_the_dot_graph(tmp_path):
    code, out = invoke(command, ["matrix", "-f", SHOP, "-o", "dot"])
    image = tmp_path / "shop.png"
    subprocess.run(["dot", "-Tpng", "-o", str(image)], input=out, text=True, check=True, timeout=60)
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
