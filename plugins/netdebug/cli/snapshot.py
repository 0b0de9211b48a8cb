"""Fill a Snapshot from files (offline) or from the cluster (live), chosen by the options."""
from ..decode.collisions import equal_priority_warnings
from ..model.snapshot import Snapshot
from .options import ClusterOptions


def load_snapshot(options: ClusterOptions, kinds: tuple[str, ...]) -> Snapshot:
    """Offline when -f was given; otherwise ask the API server for just these kinds.

    The kubernetes client is imported only on the live path: offline runs and --help stay fast.
    """
    if options.offline:
        from ..manifests.loader import load

        snapshot = load(list(options.filenames), default_namespace=options.namespace or "default")
        snapshot.namespace = options.namespace or "default"
        snapshot.warnings += equal_priority_warnings(snapshot)
        return snapshot
    from ..kube.client import connect
    from ..kube.fetch import fetch_snapshot

    cluster = connect(options)
    snapshot = fetch_snapshot(options, kinds, cluster)
    snapshot.namespace = cluster.namespace  # -n, else the context's namespace
    snapshot.warnings += equal_priority_warnings(snapshot)
    return snapshot
