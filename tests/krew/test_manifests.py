"""The generated krew manifests obey krew's rules and match the archive that was really built."""
import copy
import tarfile

import pytest
import yaml

import netdebug
from krew.manifests import PLUGINS

from . import krewlike

pytestmark = pytest.mark.slow  # the first test builds the frozen bundle (~1-2 min, then cached)


def load(index_dir, name):
    return yaml.safe_load((index_dir / f"{name}.yaml").read_text())


def test_one_manifest_per_plugin(index_dir):
    assert sorted(path.name for path in index_dir.iterdir()) == ["netpath.yaml", "netpolicy.yaml", "svcdebug.yaml"]


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_manifest_is_valid(index_dir, name):
    path = index_dir / f"{name}.yaml"
    assert krewlike.validate(path, load(index_dir, name)) == []


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_version_and_sha256_match_the_built_archive(index_dir, archive, name):
    spec = load(index_dir, name)["spec"]
    assert spec["version"] == f"v{netdebug.__version__}"
    platform = next(p for p in spec["platforms"] if p["uri"].endswith("/" + archive.name))
    assert platform["sha256"] == krewlike.sha256_of(archive)


def test_archive_holds_only_regular_files_bundle_license_readme(archive):
    with tarfile.open(archive) as source:
        members = source.getmembers()
    assert all(member.isfile() or member.isdir() for member in members)
    names = {member.name for member in members}
    assert {"LICENSE", "README", "netdebug/netdebug"} <= names
    executable = next(member for member in members if member.name == "netdebug/netdebug")
    assert executable.mode & 0o111


def test_archive_leaves_out_test_and_optional_packages(archive):
    with tarfile.open(archive) as source:
        names = source.getnames()
    unwanted = [name for name in names for package in ("pytest", "aiohttp", "cryptography", "_cffi_backend", "_ctypes")
                if f"/{package}" in name]
    assert unwanted == []


def broken(manifest, change):
    manifest = copy.deepcopy(manifest)
    change(manifest)
    return manifest


def _platform(manifest):
    return manifest["spec"]["platforms"][0]


BREAKAGES = {
    "metadata.name": lambda m: m["metadata"].update(name="other"),
    "semver": lambda m: m["spec"].update(version="0.1"),
    "shortDescription": lambda m: m["spec"].update(shortDescription="x" * 51),
    "one non-empty line": lambda m: m["spec"].update(shortDescription="two\nlines"),
    "wrapped at 80": lambda m: m["spec"].update(description="y" * 81),
    "sha256": lambda m: _platform(m).update(sha256=_platform(m)["sha256"].upper()),
    "not supported": lambda m: _platform(m)["selector"]["matchLabels"].update(hostname="x"),
    "matches no platform": lambda m: _platform(m)["selector"]["matchLabels"].update(os="plan9"),
    "both match": lambda m: m["spec"]["platforms"].append(
        {**_platform(m), "selector": {"matchLabels": {"os": _platform(m)["selector"]["matchLabels"]["os"]}}}),
    "`bin` has to be set": lambda m: _platform(m).pop("bin"),
    "no platform": lambda m: m["spec"].update(platforms=[]),
}


@pytest.mark.parametrize("expected", sorted(BREAKAGES))
def test_validator_rejects_broken_manifests(index_dir, expected):
    path = index_dir / "netpath.yaml"
    errors = krewlike.validate(path, broken(load(index_dir, "netpath"), BREAKAGES[expected]))
    assert any(expected in error for error in errors), errors


def test_install_rejects_a_bin_missing_from_the_archive(index_dir, archive, tmp_path):
    manifest = load(index_dir, "netpath")
    platform = dict(_platform(manifest), bin="netdebug/not-there")
    with pytest.raises(ValueError, match="not an executable regular file"):
        krewlike.install(manifest, platform, archive, tmp_path)


def test_install_rejects_an_archive_with_another_checksum(index_dir, archive, tmp_path):
    manifest = load(index_dir, "netpath")
    platform = dict(_platform(manifest), sha256="0" * 64)
    with pytest.raises(ValueError, match="does not match the manifest's sha256"):
        krewlike.install(manifest, platform, archive, tmp_path)


def test_install_rejects_an_archive_with_a_symlink(index_dir, tmp_path):
    target = tmp_path / "LICENSE"
    target.write_text("license")
    (tmp_path / "link").symlink_to(target)
    archive = tmp_path / "bad.tar.gz"
    with tarfile.open(archive, "w:gz") as out:
        out.add(target, "LICENSE")
        out.add(tmp_path / "link", "netdebug/netdebug")
    manifest = load(index_dir, "netpath")
    platform = dict(_platform(manifest), sha256=krewlike.sha256_of(archive))
    with pytest.raises(ValueError, match="not a regular file"):
        krewlike.install(manifest, platform, archive, tmp_path / "root")
