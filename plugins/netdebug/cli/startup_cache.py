"""The frozen bundle's start-up cache: work every start would redo, done once when the bundle is built.

krew/build.py runs the plugins while `Recorder` watches and ships what it saw beside the modules:
- the help texts (`--help`/`-h` of each plugin and subcommand): replayed without importing click;
- regular-expression programs: urllib3, PyYAML, email and our decoders compile ~90 patterns on
  every live start (the parse is pure Python); a hit hands the recorded program to the regex engine;
- the source of dataclass methods: dataclasses writes and compiles `__init__`, `__eq__`... for each
  class at import; a hit executes the recorded code object instead.
A miss costs only the normal work, and a cache from another Python or regex engine is ignored.
"""
import builtins
import marshal
import os
import sys
import zlib

FILE_NAME = "netdebug-startup.cache"
HELP_FLAGS = ("--help", "-h")
WIDE_ENOUGH = 80  # click wraps help at min(columns, 80) - 2 characters: from 80 columns on, one text


def stamp() -> str:
    """What the recorded programs and code objects depend on: the interpreter and its regex engine."""
    import _sre

    return f"{sys.version} {_sre.MAGIC} {sys.implementation.cache_tag}"


def load(path: str | None = None) -> dict | None:
    """The bundle's cache, or None (not frozen, missing, damaged, or written by another Python)."""
    if path is None:
        if not getattr(sys, "frozen", False):
            return None
        path = os.path.join(getattr(sys, "_MEIPASS", ""), FILE_NAME)
    try:
        with open(path, "rb") as handle:
            cache = marshal.loads(handle.read())  # marshal.load(handle) reads in tiny pieces: 10x slower
    except (OSError, EOFError, ValueError, TypeError):
        return None
    valid = isinstance(cache, dict) and cache.get("stamp") == stamp() and isinstance(cache.get("help"), dict) \
        and isinstance(cache.get("compiled"), bytes) and isinstance(cache.get("modules"), list)
    return cache if valid else None


def replay_help(cache: dict, plugin: str, argv: list[str]) -> int | None:
    """Write a recorded help text and return the exit code; None when this argv or width was not recorded."""
    recorded = cache["help"].get((plugin, tuple(argv)))
    if recorded is None or sys.stdout is None or terminal_columns() < WIDE_ENOUGH:
        return None
    try:
        sys.stdout.write(recorded)
        sys.stdout.flush()
    except BrokenPipeError:  # `... --help | head -1`: the reader left; click's own path ends with 1 then
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the flush at exit must not fail again
        return 1
    return 0


def terminal_columns() -> int:
    """The width click formats for: $COLUMNS, else the terminal's, else 80 (shutil's rule)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or WIDE_ENOUGH
    except (AttributeError, ValueError, OSError):
        return WIDE_ENOUGH


def install(cache: dict) -> None:
    """Serve regex programs and dataclass code from the cache for the rest of the process."""
    import dataclasses
    from re import _compiler

    programs, code_objects = marshal.loads(zlib.decompress(cache["compiled"]))
    compile_pattern = _compiler.compile

    def compile_cached(pattern, flags=0):
        program = programs.get((pattern, int(flags))) if isinstance(pattern, (str, bytes)) else None
        if program is None:
            return compile_pattern(pattern, flags)
        return _compiler._sre.compile(pattern, *marshal.loads(program))

    def exec_cached(source, globals=None, locals=None):
        code = code_objects.get(source) if isinstance(source, str) else None
        return builtins.exec(source if code is None else marshal.loads(code), globals, locals)

    _compiler.compile = compile_cached
    dataclasses.exec = exec_cached  # a module global shadows the builtin for dataclasses' own calls


class _RegexEngineSpy:
    """Stands in for the _sre module inside re._compiler to see the program of each compiled pattern."""

    def __init__(self, engine):
        self._engine = engine
        self.last_program = None

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def compile(self, pattern, flags, code, *rest):
        self.last_program = (int(flags), [int(op) for op in code], *rest)
        return self._engine.compile(pattern, flags, code, *rest)


class Recorder:
    """Within `with Recorder() as recorder:` every regex and dataclass compiled is noted; help is added
    with `recorder.help[(plugin, argv)] = text`, the module list to `recorder.modules`; `recorder.save(path)`
    writes the cache."""

    def __init__(self):
        self.regex, self.code, self.help = {}, {}, {}
        self.modules: list[str] = []  # every netdebug module, for the bundle's --self-test

    def __enter__(self):
        import dataclasses
        import re
        from re import _compiler

        re.purge()  # patterns compiled before are in re's own cache and would not pass by

        self._saved = _compiler.compile, _compiler._sre, dataclasses.__dict__.get("exec")
        spy, compile_pattern = _RegexEngineSpy(_compiler._sre), _compiler.compile

        def compile_noted(pattern, flags=0):
            compiled = compile_pattern(pattern, flags)
            if isinstance(pattern, (str, bytes)):
                final_flags, program, groups, groupindex, indexgroup = spy.last_program
                self.regex[(pattern, int(flags))] = (final_flags, program, groups, dict(groupindex),
                                                     tuple(indexgroup))
            return compiled

        def exec_noted(source, globals=None, locals=None):
            if isinstance(source, str):
                source_code = self.code.setdefault(source, compile(source, "<string>", "exec", dont_inherit=True))
                return builtins.exec(source_code, globals, locals)
            return builtins.exec(source, globals, locals)

        _compiler.compile, _compiler._sre, dataclasses.exec = compile_noted, spy, exec_noted
        return self

    def __exit__(self, *exc_info):
        import dataclasses
        from re import _compiler

        _compiler.compile, _compiler._sre, saved_exec = self._saved
        if saved_exec is None:
            del dataclasses.exec
        else:
            dataclasses.exec = saved_exec

    def save(self, path: str) -> None:
        with open(path, "wb") as handle:
            # each entry stays marshalled until it is used; the whole is unpacked when installed (not for --help)
            entries = tuple({key: marshal.dumps(value) for key, value in table.items()} for table in (self.regex, self.code))
            compiled = zlib.compress(marshal.dumps(entries), 9)
            marshal.dump({"stamp": stamp(), "help": self.help, "compiled": compiled, "modules": self.modules}, handle)
