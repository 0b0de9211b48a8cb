"""What krew does with a manifest, redone in Python for the tests: validate, unpack, install, link.

The rules follow krew's own validation (internal/index/validation) and installer (tar extraction
of regular files and directories only, `files` moves, a `kubectl-<name>` symlink to `bin`), plus
the review rules of the krew index (short description <= 50 chars, description wrapped at 80,
a LICENSE file installed, every platform supported and no two platforms overlapping).
"""
import hashlib
import os
import re
import shutil
import tarfile
import zipfile
from pathlib import Path

API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
SUPPORTED = {("linux", arch) for arch in ("386", "amd64", "arm", "arm64", "ppc64le")} | {
    ("darwin", "amd64"), ("darwin", "arm64")} | {("windows", arch) for arch in ("386", "amd64", "arm64")}
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
SEMVER = re.compile(r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
SHA256 = re.compile(r"^[a-f0-9]{64}$")
LICENSE = re.compile(r"^(LICENSE|LICENCE|COPYING)(\.\w+)?$", re.IGNORECASE)


def validate(path: Path, manifest: dict) -> list[str]:
    """Every krew rule the manifest breaks, as readable lines (empty: valid)."""
    name = path.stem
    spec = manifest.get("spec") or {}
    errors = []
    if manifest.get("apiVersion") != API_VERSION:
        errors.append(f"apiVersion {manifest.get('apiVersion')!r} is not {API_VERSION}")
    if manifest.get("kind") != "Plugin":
        errors.append(f"kind {manifest.get('kind')!r} is not Plugin")
    if not re.match(r"^[\w-]+$", name) or name.upper() in WINDOWS_RESERVED:
        errors.append(f"file name {name!r} is not a safe plugin name")
    if (manifest.get("metadata") or {}).get("name") != name:
        errors.append(f"metadata.name must equal the file name {name!r}")
    errors += _text_errors(spec)
    if not SEMVER.match(str(spec.get("version", ""))):
        errors.append(f"version {spec.get('version')!r} is not semver with a leading v")
    platforms = spec.get("platforms") or []
    if not platforms:
        errors.append("no platform")
    for index, platform in enumerate(platforms):
        errors += [f"platform {index}: {error}" for error in platform_errors(platform)]
    return errors + overlap_errors(platforms)


def _text_errors(spec: dict) -> list[str]:
    errors = []
    short = spec.get("shortDescription") or ""
    if not short or "\n" in short or "\r" in short:
        errors.append("shortDescription must be one non-empty line")
    if len(short) > 50:
        errors.append(f"shortDescription is {len(short)} chars (> 50)")
    long_lines = [line for line in (spec.get("description") or "").splitlines() if len(line) > 80]
    if not spec.get("description") or long_lines:
        errors.append(f"description must be non-empty and wrapped at 80: {long_lines[:1]}")
    if not str(spec.get("homepage", "")).startswith("https://"):
        errors.append("homepage must be an https URL")
    return errors


def platform_errors(platform: dict) -> list[str]:
    errors = []
    for key in ("uri", "sha256", "bin"):
        if not platform.get(key):
            errors.append(f"`{key}` has to be set")
    if platform.get("sha256") and not SHA256.match(platform["sha256"]):
        errors.append(f"sha256 {platform['sha256']!r} does not match {SHA256.pattern}")
    files = platform.get("files")
    if files is not None and not files:
        errors.append("`files` has to be unspecified or non-empty")
    for operation in files or []:
        if not operation.get("from") or not operation.get("to"):
            errors.append(f"file operation {operation} needs from and to")
        elif os.path.normpath(operation["to"]) != operation["to"]:
            errors.append(f"`to` {operation['to']!r} is not a clean path")
    return errors + selector_errors(platform.get("selector"))


def selector_errors(selector) -> list[str]:
    if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return ["empty selector"]
    keys = set(selector.get("matchLabels") or {}) | {e.get("key") for e in selector.get("matchExpressions") or []}
    bad = keys - {"os", "arch"}
    if bad:
        return [f"selector keys {sorted(bad)} not supported (only os, arch)"]
    if not matched_platforms(selector):
        return [f"selector {selector} matches no platform krew supports"]
    return []


def matched_platforms(selector: dict) -> set[tuple[str, str]]:
    """The supported (os, arch) pairs a selector matches (matchLabels and In/NotIn expressions)."""
    labels = selector.get("matchLabels") or {}
    matched = set()
    for os_name, arch in SUPPORTED:
        values = {"os": os_name, "arch": arch}
        if all(values.get(key) == value for key, value in labels.items()) and all(
                _expression_matches(expr, values) for expr in selector.get("matchExpressions") or []):
            matched.add((os_name, arch))
    return matched


def _expression_matches(expr: dict, values: dict) -> bool:
    value, operator = values.get(expr.get("key")), expr.get("operator")
    if operator == "In":
        return value in (expr.get("values") or [])
    if operator == "NotIn":
        return value not in (expr.get("values") or [])
    return operator == "Exists"


def overlap_errors(platforms: list[dict]) -> list[str]:
    errors, seen = [], {}
    for index, platform in enumerate(platforms):
        for pair in matched_platforms(platform.get("selector") or {}):
            if pair in seen:
                errors.append(f"platforms {seen[pair]} and {index} both match {'/'.join(pair)}")
            seen.setdefault(pair, index)
    return errors


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract(archive: Path, into: Path) -> None:
    """Unpack like krew: only regular files and directories, nothing outside `into`."""
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as source:
            _check_names(name for name in source.namelist())
            source.extractall(into)
        return
    with tarfile.open(archive) as source:
        for member in source.getmembers():
            if not (member.isfile() or member.isdir()):
                raise ValueError(f"{archive.name}: {member.name} is not a regular file or directory")
        _check_names(member.name for member in source.getmembers())
        # members are checked above; the "data" filter (Python >= 3.11.4) checks again where it exists
        source.extractall(into, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))


def _check_names(names) -> None:
    for name in names:
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(f"archive member {name} escapes the install directory")


def install(manifest: dict, platform: dict, archive: Path, krew_root: Path) -> Path:
    """Install one plugin into krew_root the way krew does; returns the kubectl-<name> link."""
    name, version = manifest["metadata"]["name"], manifest["spec"]["version"]
    if sha256_of(archive) != platform["sha256"]:
        raise ValueError(f"{name}: {archive.name} does not match the manifest's sha256")
    unpacked = krew_root / "tmp" / name
    extract(archive, unpacked)
    store = krew_root / "store" / name / version
    store.mkdir(parents=True)
    for operation in platform.get("files") or [{"from": "*", "to": "."}]:
        _move(unpacked, store, operation)
    shutil.rmtree(unpacked)
    target = store / platform["bin"]
    if not target.is_file() or target.is_symlink() or not os.access(target, os.X_OK):
        raise ValueError(f"{name}: bin {platform['bin']} is not an executable regular file after install")
    if not any(LICENSE.match(path.name) for path in store.iterdir()):
        raise ValueError(f"{name}: no LICENSE file is installed")
    link = krew_root / "bin" / f"kubectl-{name.replace('-', '_')}"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def _move(source: Path, store: Path, operation: dict) -> None:
    direct = source / operation["from"]
    if direct.exists():
        destination = store / (direct.name if operation["to"] == "." else operation["to"])
        destination.parent.mkdir(parents=True, exist_ok=True)
        direct.rename(destination)
        return
    matches = sorted(source.glob(operation["from"]))
    if not matches:
        raise ValueError(f"no files in the archive match {operation['from']!r}")
    for match in matches:
        (store / operation["to"]).mkdir(parents=True, exist_ok=True)
        match.rename(store / operation["to"] / match.name)
