"""One vocabulary: every finding code the code can emit is catalogued and documented, and only those."""
import ast
import os
import re
from pathlib import Path

import pytest

from netdebug.model.catalogue import CATALOGUE
from netdebug.model.findings import Finding, Severity

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "plugins" / "netdebug"
DOC = REPO / "docs" / "findings.md"


def documented_codes() -> set[str]:
    return set(re.findall(r"^### ([a-z0-9-]+)\s*$", DOC.read_text(), re.M))


def literal_codes_in_source() -> dict[str, str]:
    """Codes written as the first argument (or code=) of a Finding(...) call, with where they stand."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and _called_name(node) == "Finding"):
                continue
            code = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found[code.value] = f"{path.relative_to(REPO)}:{node.lineno}"
    return found


def _called_name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def test_every_catalogued_code_is_documented_and_nothing_else():
    assert documented_codes() == set(CATALOGUE)


def test_every_literal_code_in_the_source_is_catalogued():
    missing = {code: where for code, where in literal_codes_in_source().items() if code not in CATALOGUE}
    assert not missing, f"emitted but not in model/catalogue.py and docs/findings.md: {missing}"


def test_the_tests_run_with_strict_codes():
    assert os.environ.get("NETDEBUG_STRICT_CODES") == "1"


def test_an_uncatalogued_code_fails_loudly_under_strict_codes():
    with pytest.raises(ValueError, match="not-a-real-code"):
        Finding("not-a-real-code", "error", "x")
    assert Finding("no-endpoints", Severity.ERROR, "x").severity == "error"


def test_an_unknown_severity_is_rejected():
    with pytest.raises(ValueError, match="severity"):
        Finding("no-endpoints", "fatal", "x")
