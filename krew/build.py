#!/usr/bin/env python3
"""Freeze the three plugins into one PyInstaller bundle and archive it for krew.

    python krew/build.py    # -> krew/dist/netdebug-<version>-<os>-<arch>.tar.gz (.zip on Windows)
                            #    and krew/dist/plugins/{netpath,netpolicy,svcdebug}.yaml for it

One onedir bundle, one executable (`netdebug/netdebug`) that picks the plugin from the name it is
started as (krew links it as kubectl-netpath, kubectl-netpolicy, kubectl-svcdebug). PyInstaller
runs in a virtualenv of its own holding only the runtime dependencies, so nothing from a
development environment (pytest, aiohttp, cryptography ...) ends up in the bundle. The virtualenv
and the archive are reused while their inputs are unchanged.
"""
import argparse
import configparser
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: builds there are never concurrent (one CI job)
    fcntl = None

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "plugins" / "netdebug"
BUILD_DIR = ROOT / "krew" / "build"
DIST_DIR = ROOT / "krew" / "dist"
BUNDLE = "netdebug"
PYINSTALLER = "pyinstaller>=6,<7"
SPEC = ROOT / "krew" / "netdebug.spec"  # what goes into the bundle, and which runtime hooks stay out
ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386",
          "i686": "386", "x86": "386", "armv7l": "arm", "ppc64le": "ppc64le"}


def version() -> str:
    text = (PACKAGE / "__init__.py").read_text()
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


def platform_tag() -> tuple[str, str]:
    """krew's os/arch names for the machine we build on."""
    os_name = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")
    return os_name, ARCHES[platform.machine().lower()]


def archive_name(os_name: str, arch: str, ver: str | None = None) -> str:
    suffix = "zip" if os_name == "windows" else "tar.gz"
    return f"netdebug-{ver or version()}-{os_name}-{arch}.{suffix}"


def executable_name(os_name: str) -> str:
    return f"{BUNDLE}.exe" if os_name == "windows" else BUNDLE


def runtime_requirements() -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    lines = cfg["options"]["install_requires"].splitlines()
    return [line.strip() for line in lines if line.strip()]


def _digest(parts) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else str(part).encode())
        sha.update(b"\0")
    return sha.hexdigest()[:16]


def source_digest() -> str:
    """Changes whenever anything that ends up in the bundle changes."""
    package = [path for path in PACKAGE.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    files = sorted(package) + [ROOT / "setup.cfg", ROOT / "LICENSE", SPEC, Path(__file__)]
    return _digest(part for path in files for part in (path.relative_to(ROOT).as_posix(), path.read_bytes()))


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def ensure_build_venv(build_dir: Path) -> Path:
    """A virtualenv with PyInstaller and the runtime dependencies only; reused while they are unchanged."""
    requirements = [PYINSTALLER, *runtime_requirements()]
    venv_dir = build_dir / f"venv-{_digest([sys.version, *requirements])}"
    python = venv_python(venv_dir)
    ready = venv_dir / "ready"
    if ready.exists():
        return python
    shutil.rmtree(venv_dir, ignore_errors=True)
    venv.EnvBuilder(with_pip=True).create(venv_dir)
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirements])
    ready.write_text("\n".join(requirements) + "\n")
    return python


class BuildError(Exception):
    """A build step failed; its output was written to stderr."""


def _run(argv: list, **kwargs) -> None:
    """Run quietly; show the output only when the step fails."""
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if done.returncode:
        sys.stderr.write(done.stdout)
        raise BuildError(f"build failed ({done.returncode}): {' '.join(map(str, argv[:4]))} ...")


# Run while krew/build.py records: the self-test imports every netdebug module and the client pieces,
# then each plugin's and subcommand's --help/-h (at 80 columns), and offline runs that read YAML. What
# they compile goes into the start-up cache (netdebug/cli/startup_cache.py), the modules they load stay
# plain files in the bundle (the rest goes compressed into its PYZ); a str host name goes through the
# idna codec when connecting, which the codec registry imports from a file only.
RECORD_START = """
import contextlib, io, os, sys
os.environ["COLUMNS"] = str(80)
from netdebug.cli import dispatch, netpolicy, startup_cache
CACHE_PATH = sys.argv[1]
HELP = {"netpath": [[], ["capture"]], "netpolicy": [[]] + [[name] for name in netpolicy.SUBCOMMANDS], "svcdebug": [[]]}
OFFLINE = [["kubectl-netpolicy", "check", "-f", "examples/shop", "shop/frontend", "shop/backend", "--port", "8080"],
           ["kubectl-svcdebug", "-f", "examples/shop", "-n", "shop", "backend"]]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    sys.argv = argv
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            dispatch.main()
        except SystemExit as done:
            return done.code or 0, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


with startup_cache.Recorder() as recorder:
    recorder.modules = dispatch.module_names(sys.modules["netdebug"].__path__[0], "netdebug")
    with contextlib.redirect_stdout(io.StringIO()):
        dispatch.self_test(rare=False)  # what rare kubeconfigs need stays in the compressed archive
    for plugin, prefixes in HELP.items():
        for argv in ([*prefix, flag] for prefix in prefixes for flag in startup_cache.HELP_FLAGS):
            code, out, err = run([f"kubectl-{plugin}", *argv])
            if code != 0 or err or not out.startswith("Usage:"):
                raise SystemExit(f"kubectl-{plugin} {' '.join(argv)}: exit {code}, stderr {err[:200]!r}")
            recorder.help[(plugin, tuple(argv))] = out
    for argv in OFFLINE:
        run(argv)
recorder.save(CACHE_PATH)
import encodings.idna
print("\\n".join(sorted(sys.modules)))
"""


def record_start(python: Path, work: Path) -> tuple[Path, Path]:
    """(hot modules, start-up cache): what the bundle keeps as plain files (krew/netdebug.spec puts the
    other modules in its compressed PYZ) and what it need not recompute at each start."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NO_COLOR="1")
    cache = work / "startup.cache"
    done = subprocess.run([python, "-c", RECORD_START, str(cache)], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise BuildError("recording what the plugins import and compile at start failed")
    hot = work / "hot-modules.txt"
    hot.write_text(done.stdout)
    return hot, cache


def freeze(python: Path, work: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    hot, cache = record_start(python, work)
    # collect_submodules imports netdebug
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), NETDEBUG_HOT_MODULES=str(hot),
               NETDEBUG_STARTUP_CACHE=str(cache))
    _run([python, "-X", "no_debug_ranges", "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(work / "dist"),
          "--workpath", str(work / "work"), str(SPEC)], cwd=work, env=env)
    return work / "dist" / BUNDLE


def glibc_floor(bundle: Path) -> str | None:
    """The newest GLIBC_x.y symbol version any bundled ELF file asks for (None off Linux)."""
    versions = set()
    for path in bundle.rglob("*"):
        data = path.read_bytes() if path.is_file() else b""
        if data.startswith(b"\x7fELF"):
            versions.update(re.findall(rb"GLIBC_(\d+)\.(\d+)", data))
    newest = max(((int(a), int(b)) for a, b in versions), default=None)
    return f"{newest[0]}.{newest[1]}" if newest else None


def write_readme(path: Path, ver: str, glibc: str | None) -> None:
    needs = f"Linux builds need glibc >= {glibc}.\n" if glibc else ""
    path.write_text(
        f"netdebug {ver}: kubectl plugins that troubleshoot Kubernetes networking.\n{needs}\n"
        "netdebug/netdebug is one executable holding three plugins; the name it is started as picks\n"
        "the plugin (kubectl-netpath, kubectl-netpolicy, kubectl-svcdebug), any other name takes the\n"
        "plugin as first argument: netdebug netpolicy --help.\n"
        "Shell completion (kubectl >= 1.26): link the executable as kubectl_complete-netpath (and\n"
        "kubectl_complete-netpolicy, kubectl_complete-svcdebug) next to the kubectl-* links.\n")


def stage(bundle: Path, staging: Path, ver: str) -> Path:
    """The archive's contents: netdebug/ (the bundle), LICENSE, README."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(bundle, staging / BUNDLE, symlinks=False)  # symlinks become real files: krew rejects links
    shutil.copy2(ROOT / "LICENSE", staging / "LICENSE")
    write_readme(staging / "README", ver, glibc_floor(bundle))
    return staging


def write_archive(staging: Path, target: Path) -> Path:
    """tar.gz (zip for Windows) of regular files and directories only, owned by root, sorted."""
    paths = sorted(staging.rglob("*"))
    partial = target.with_name(target.name + ".partial")
    if target.name.endswith(".zip"):
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.relative_to(staging).as_posix())
    else:
        with tarfile.open(partial, "w:gz", dereference=True) as archive:
            for path in paths:
                archive.add(path, path.relative_to(staging).as_posix(), recursive=False, filter=_as_root)
    partial.replace(target)
    return target


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    if not (info.isfile() or info.isdir()):
        raise ValueError(f"{info.name}: krew accepts only regular files and directories in archives")
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def build(force: bool = False, build_dir: Path = BUILD_DIR, dist_dir: Path = DIST_DIR) -> Path:
    """Return the archive for this platform, building it unless an identical one is there.

    Concurrent callers (two test runs in one checkout) wait for each other instead of both building.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / "lock", "w") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(force, build_dir, dist_dir)


def _build_locked(force: bool, build_dir: Path, dist_dir: Path) -> Path:
    os_name, arch = platform_tag()
    ver = version()
    target = dist_dir / archive_name(os_name, arch, ver)
    stamp = build_dir / f"{target.name}.source"
    inputs = f"{source_digest()} {target.resolve()}"
    if not force and target.exists() and stamp.exists() and stamp.read_text() == inputs:
        return target
    python = ensure_build_venv(build_dir)
    bundle = freeze(python, build_dir / "pyinstaller")
    staging = stage(bundle, build_dir / "staging", ver)
    dist_dir.mkdir(parents=True, exist_ok=True)
    write_archive(staging, target)
    stamp.write_text(inputs)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when the inputs are unchanged")
    parser.add_argument("--dist-dir", type=Path, default=DIST_DIR, help="where the archive goes")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        archive = build(force=args.force, dist_dir=args.dist_dir)
    except BuildError as err:
        raise SystemExit(f"error: {err}") from None
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    size = archive.stat().st_size / 2**20
    print(f"{archive}  {size:.1f} MiB  sha256 {sha}  ({time.monotonic() - started:.1f} s)")
    # the manifests need PyYAML: run them with the build virtualenv, which has the runtime dependencies
    manifests = subprocess.run([ensure_build_venv(BUILD_DIR), "-m", "krew.manifests", str(archive.parent.resolve())],
                               cwd=ROOT, check=False)
    sys.exit(manifests.returncode)


if __name__ == "__main__":
    main()
