"""Fill a Snapshot from files (offline) or from the cluster (live), chosen by the options.

Its warnings (an object defined twice, admin policies sharing a priority, kinds skipped) go to
stderr here, once, for every plugin."""
import click

from ..model.snapshot import Snapshot
from .options import ClusterOptions


def load_snapshot(options: ClusterOptions, kinds: tuple[str, ...]) -> Snapshot:
    """Offline when -f was given; otherwise ask the API server for just these kinds.

    The kubernetes client is imported only on the live path: offline runs and --help stay fast.
    """
    if options.offline:
        snapshot = load_files(options.filenames, options.namespace or "default")
        snapshot.namespace = options.namespace or "default"
        return snapshot
    from ..kube.client import connect
    from ..kube.fetch import fetch_snapshot

    cluster = connect(options)
    snapshot = fetch_snapshot(options, kinds, cluster)
    snapshot.namespace = cluster.namespace  # -n, else the context's namespace
    return _warned(snapshot)


def load_files(paths, default_namespace: str) -> Snapshot:
    """Manifest files and directories (-f, diff --after) as a Snapshot, warnings said."""
    from ..manifests.loader import load

    return _warned(load(list(paths), default_namespace=default_namespace))


def _warned(snapshot: Snapshot) -> Snapshot:
    from ..decode.collisions import equal_priority_warnings

    snapshot.warnings += equal_priority_warnings(snapshot)
    for message in snapshot.warnings:
        click.echo(f"warning: {message}", err=True)
    return snapshot
