#!/usr/bin/env python3
"""Write the krew plugin manifests (netpath.yaml, netpolicy.yaml, svcdebug.yaml) for built archives.

    python -m krew.manifests krew/dist                 # -> krew/dist/plugins/<name>.yaml
    python -m krew.manifests dist --out plugins        # the release: the repository's krew index

All three manifests point at the same archive per platform (one bundle, one executable that picks
the plugin by the name krew links it as); they differ in name and text only. One platform entry
per archive found. krew reads a custom index from `plugins/*.yaml` at the repository root
(`kubectl krew index add netdebug <repo-url>`) and skips its subdirectories (our Python package):
the release workflow writes there, for archives it has uploaded.
"""
import argparse
import hashlib
import re
import textwrap
from pathlib import Path

import yaml

from krew.build import BUNDLE, executable_name, version

API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
HOMEPAGE = "https://github.com/netdebug/netdebug"
RELEASES = f"{HOMEPAGE}/releases/download"
ARCHIVE = re.compile(r"^netdebug-(?P<version>[^-]+)-(?P<os>[a-z]+)-(?P<arch>[a-z0-9]+)\.(tar\.gz|zip)$")
COMMON_CAVEATS = """\
Shell completion (kubectl >= 1.26): link the plugin as kubectl_complete-{name}
next to it, e.g.
  ln -s kubectl-{name} "${{KREW_ROOT:-$HOME/.krew}}/bin/kubectl_complete-{name}"
netpath, netpolicy and svcdebug ship as one bundle; each installs its own copy.
"""
PLUGINS = {
    "netpath": {
        "short": "Find the hop that breaks traffic between two pods",
        "description": "Walks every hop between two endpoints (pod, Service, IP or DNS name): DNS, "
                       "Service and EndpointSlices, NetworkPolicies on both ends, the target's readiness "
                       "and listening ports. Names the first broken hop with the evidence and a fix, and "
                       "proves it with a probe from the source pod. Works offline on YAML files (-f) too.",
        "caveats": "Probes run commands in the source pod (RBAC: pods/exec); nothing in the cluster "
                   "is changed unless you ask for an ephemeral debug container.",
    },
    "netpolicy": {
        "short": "Explain what your NetworkPolicies allow",
        "description": "Answers what NetworkPolicies really allow and which rule decides: check one "
                       "connection, explain the policies selecting a pod, print the reachability "
                       "matrix, list who can reach a pod or what it can reach, and lint policies for "
                       "mistakes. Reads the cluster or YAML files (-f) for CI and code review.",
        "caveats": "Needs read access to pods, namespaces and networkpolicies; missing permissions "
                   "are reported, not guessed.",
    },
    "svcdebug": {
        "short": "Diagnose why a Service does not answer",
        "description": "Runs the Kubernetes 'Debug Services' checklist against one Service: "
                       "selector and labels, EndpointSlices and readiness, port and targetPort, DNS, "
                       "NetworkPolicies and what the pods listen on. Each finding comes with evidence "
                       "and a fix, then is proven with probes from a client pod.",
        "caveats": "Probes run commands in pods (RBAC: pods/exec); nothing in the cluster is "
                   "changed unless you ask for an ephemeral debug container.",
    },
}


def sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def platform_entry(archive: Path, os_name: str, arch: str, base_url: str) -> dict:
    return {
        "selector": {"matchLabels": {"os": os_name, "arch": arch}},
        "uri": f"{base_url}/{archive.name}",
        "sha256": sha256_of(archive),
        "files": [{"from": BUNDLE, "to": "."}, {"from": "LICENSE", "to": "."}],
        "bin": f"{BUNDLE}/{executable_name(os_name)}",
    }


def platforms(archive_dir: Path, ver: str, base_url: str) -> list[dict]:
    """One entry per archive of this version found in archive_dir, sorted by os/arch."""
    found = []
    for path in sorted(archive_dir.iterdir()):
        match = ARCHIVE.match(path.name)
        if match and match["version"] == ver:
            found.append(platform_entry(path, match["os"], match["arch"], base_url))
    if not found:
        raise FileNotFoundError(f"{archive_dir}: no netdebug-{ver}-<os>-<arch> archive (run krew/build.py)")
    return found


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=80) + "\n"


def manifest(name: str, ver: str, entries: list[dict]) -> dict:
    text = PLUGINS[name]
    return {
        "apiVersion": API_VERSION,
        "kind": "Plugin",
        "metadata": {"name": name},
        "spec": {
            "version": f"v{ver}",
            "homepage": HOMEPAGE,
            "shortDescription": text["short"],
            "description": _wrap(text["description"]),
            "caveats": _wrap(text["caveats"]) + "\n" + COMMON_CAVEATS.format(name=name),
            "platforms": entries,
        },
    }


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, the way krew manifests are usually written."""


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def write_manifests(archive_dir: Path, out_dir: Path, base_url: str | None = None) -> list[Path]:
    ver = version()
    entries = platforms(archive_dir, ver, base_url or f"{RELEASES}/v{ver}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PLUGINS:
        path = out_dir / f"{name}.yaml"
        path.write_text(yaml.dump(manifest(name, ver, entries), Dumper=_BlockDumper, sort_keys=False))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive_dir", type=Path, help="directory holding the built archives")
    parser.add_argument("--out", type=Path, help="where the manifests go (default: ARCHIVE_DIR/plugins)")
    parser.add_argument("--base-url", help=f"where the archives are downloaded from (default: {RELEASES}/v<version>)")
    args = parser.parse_args()
    try:
        written = write_manifests(args.archive_dir, args.out or args.archive_dir / "plugins", args.base_url)
    except FileNotFoundError as err:
        raise SystemExit(f"error: {err}") from None
    print("\n".join(map(str, written)))


if __name__ == "__main__":
    main()
