"""krew/build.py helpers: names, archive writing (links become real files), the glibc floor."""
import sys
import tarfile
import zipfile

import pytest

import netdebug
from krew import build


@pytest.mark.parametrize("os_name, arch, expected", [
    ("linux", "amd64", f"netdebug-{netdebug.__version__}-linux-amd64.tar.gz"),
    ("darwin", "arm64", f"netdebug-{netdebug.__version__}-darwin-arm64.tar.gz"),
    ("windows", "amd64", f"netdebug-{netdebug.__version__}-windows-amd64.zip"),
])
def test_archive_name_uses_the_package_version(os_name, arch, expected):
    assert build.archive_name(os_name, arch) == expected


def test_executable_name():
    assert (build.executable_name("linux"), build.executable_name("windows")) == ("netdebug", "netdebug.exe")


def test_platform_tag_uses_krew_names():
    os_name, arch = build.platform_tag()
    assert os_name in ("linux", "darwin", "windows") and arch in ("386", "amd64", "arm", "arm64", "ppc64le")


def staging_with_links(tmp_path):
    staging = tmp_path / "staging"
    (staging / "netdebug" / "_internal").mkdir(parents=True)
    real = staging / "netdebug" / "_internal" / "libx.so.1"
    real.write_bytes(b"library")
    (staging / "netdebug" / "_internal" / "libx.so").symlink_to("libx.so.1")
    return staging


def test_tar_archive_stores_links_as_regular_files_owned_by_root(tmp_path):
    target = build.write_archive(staging_with_links(tmp_path), tmp_path / "x.tar.gz")
    with tarfile.open(target) as archive:
        members = {member.name: member for member in archive.getmembers()}
        assert archive.extractfile("netdebug/_internal/libx.so").read() == b"library"
    assert all(member.isfile() or member.isdir() for member in members.values())
    assert {(member.uid, member.gid, member.uname) for member in members.values()} == {(0, 0, "")}


def test_zip_archive_stores_links_as_regular_files(tmp_path):
    target = build.write_archive(staging_with_links(tmp_path), tmp_path / "x.zip")
    with zipfile.ZipFile(target) as archive:
        assert archive.read("netdebug/_internal/libx.so") == b"library"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc is Linux only")
def test_glibc_floor_reads_symbol_versions_of_elf_files(tmp_path):
    (tmp_path / "lib.so").write_bytes(b"\x7fELF....GLIBC_2.17\0GLIBC_2.34\0GLIBC_2.4\0")
    (tmp_path / "notes.txt").write_bytes(b"GLIBC_2.99")
    assert build.glibc_floor(tmp_path) == "2.34"

