"""The frozen bundle's start-up cache (netdebug/cli/startup_cache.py), exercised from source.

Each case records in one interpreter and loads in a fresh one, as the build and the bundle do."""
import marshal
import os
import subprocess
import sys
import zlib
from pathlib import Path

from netdebug.cli import startup_cache

ROOT = Path(__file__).resolve().parent.parent

RECORD = """
import dataclasses, re, sys
from netdebug.cli import startup_cache
with startup_cache.Recorder() as recorder:
    re.compile(r"(?P<word>[a-z]+)-(\\d+)")
    re.compile(rb"^\\x00+$", re.M)

    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 2
recorder.help[("netpolicy", ("--help",))] = "recorded help\\n"
recorder.modules = ["netdebug.cli.dispatch"]
recorder.save(sys.argv[1])
print(len(recorder.regex), len(recorder.code))
"""

USE = """
import dataclasses, re, sys
from netdebug.cli import startup_cache
cache = startup_cache.load(sys.argv[1])
startup_cache.install(cache)
found = re.compile(r"(?P<word>[a-z]+)-(\\d+)").match("abc-42")
print(found.group("word"), found.group(2), bool(re.compile(rb"^\\x00+$", re.M).search(b"x\\n\\x00\\x00")))

@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int = 2
print(Point(1), Point(1) == Point(1, 2), hash(Point(1)) == hash(Point(1, 2)))
"""


def python(script: str, *args: str, env: dict | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def recorded(tmp_path) -> Path:
    path = tmp_path / "startup.cache"
    regexes, methods = map(int, python(RECORD, str(path)).split())
    assert regexes >= 2 and methods >= 4  # __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__
    return path


def test_recorded_programs_and_methods_behave_as_freshly_compiled(tmp_path):
    assert python(USE, str(recorded(tmp_path))) == "abc 42 True\nPoint(x=1, y=2) True True\n"


def test_an_installed_cache_serves_the_recorded_program(tmp_path):
    """Proof the cache is used: the entry for one pattern is swapped for another pattern's program."""
    path = recorded(tmp_path)
    cache = marshal.loads(path.read_bytes())
    regexes, code = marshal.loads(zlib.decompress(cache["compiled"]))
    key = next(key for key in regexes if isinstance(key[0], str))
    regexes[("zzz", 0)] = regexes[key]  # entries are marshalled programs
    cache["compiled"] = zlib.compress(marshal.dumps((regexes, code)))
    path.write_bytes(marshal.dumps(cache))
    script = ("import re, sys\nfrom netdebug.cli import startup_cache\n"
              "startup_cache.install(startup_cache.load(sys.argv[1]))\nprint(bool(re.match('zzz', 'abc-42')))")
    assert python(script, str(path)) == "True\n"


def test_a_cache_from_another_python_or_damaged_is_ignored(tmp_path):
    path = recorded(tmp_path)
    cache = marshal.loads(path.read_bytes())
    cache["stamp"] = "2.7.18 " + cache["stamp"]
    path.write_bytes(marshal.dumps(cache))
    assert startup_cache.load(str(path)) is None
    path.write_bytes(b"\x00\x01 not marshal")
    assert startup_cache.load(str(path)) is None
    assert startup_cache.load(str(tmp_path / "missing")) is None


def test_help_is_replayed_only_for_recorded_arguments_and_wide_terminals(tmp_path, monkeypatch, capsys):
    cache = startup_cache.load(str(recorded(tmp_path)))
    monkeypatch.setenv("COLUMNS", "120")
    assert startup_cache.replay_help(cache, "netpolicy", ["--help"]) == 0
    assert capsys.readouterr().out == "recorded help\n"
    assert startup_cache.replay_help(cache, "netpolicy", ["check", "--help"]) is None
    assert startup_cache.replay_help(cache, "netpath", ["--help"]) is None
    monkeypatch.setenv("COLUMNS", "79")  # click would wrap narrower than the recorded text
    assert startup_cache.replay_help(cache, "netpolicy", ["--help"]) is None
    assert capsys.readouterr().out == ""


def test_source_runs_never_load_a_cache():
    assert startup_cache.load() is None


def test_help_replay_to_a_reader_that_left_or_a_closed_stdout(tmp_path):
    """`--help | true` ends quietly with click's exit code 1; with stdout closed the replay steps aside."""
    path = recorded(tmp_path)
    script = ("import os, sys, time\nfrom netdebug.cli import startup_cache\n"
              "cache = startup_cache.load(sys.argv[1])\ntime.sleep(0.2)\n"
              "print(startup_cache.replay_help(cache, 'netpolicy', ['--help']), file=sys.stderr)")
    reader_gone = subprocess.run(f"{sys.executable} -c \"{script}\" {path} | true", shell=True, capture_output=True,
                                 text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "100"}, timeout=60)
    assert (reader_gone.returncode, reader_gone.stderr) == (0, "1\n")
    closed = subprocess.run(f"{sys.executable} -c \"{script}\" {path} >&-", shell=True, capture_output=True,
                            text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "100"}, timeout=60)
    assert (closed.returncode, closed.stderr) == (0, "None\n")
