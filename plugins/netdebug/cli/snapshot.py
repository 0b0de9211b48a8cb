"""Fill a Snapshot from files (offline) or from the cluster (live), chosen by the options."""
from ..model.snapshot import Snapshot
from .options import ClusterOptions


def load_snapshot(options: ClusterOptions, kinds: tuple[str, ...]) -> Snapshot:
    """Offline when -f was given; otherwise ask the API server for just these kinds.

    The kubernetes client is imported only on the live path: offline runs and --help stay fast.
    """
    if options.offline:
        from ..manifests.loader import load

        return load(list(options.filenames), default_namespace=options.namespace or "default")
    from ..kube.fetch import fetch_snapshot

    return fetch_snapshot(options, kinds)
