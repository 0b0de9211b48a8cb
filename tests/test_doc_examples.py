"""Every offline example in README.md and docs/ (`$ kubectl PLUGIN ... -f FILES ...`) still runs: no bad
input (exit 2) after a change of the name rule, an option or a file. Live examples need a cluster."""
import re
import shlex
from pathlib import Path

import pytest

from .support import run_plugin

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = re.compile(r"^\$ (kubectl (netpath|netpolicy|svcdebug)\b.*\s-f\s.*)$")


def examples() -> list[tuple[str, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line in page.read_text(encoding="utf-8").splitlines():
            match = EXAMPLE.match(line.strip())
            if match and not line.rstrip().endswith("\\"):
                found.append((page.name, re.split(r"\s*[;|]", match.group(1))[0]))
    return found


@pytest.mark.parametrize("page, command", examples(), ids=lambda value: value[:60])
def test_documented_offline_example_runs(capsys, monkeypatch, page, command):
    monkeypatch.chdir(ROOT)
    _, plugin, *args = shlex.split(command)
    code, _, err = run_plugin(capsys, plugin, *args)
    assert code in (0, 1) and "error:" not in err, f"{page}: {command}\n{err}"
