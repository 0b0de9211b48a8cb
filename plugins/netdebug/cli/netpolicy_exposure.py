"""`kubectl netpolicy exposure`: pods reachable from outside the cluster or every namespace, ranked."""
import sys

import click

from ..render.structured import write_structured
from ..render.style import Style
from .netpolicy_diff import workload_name
from .netpolicy_load import load_engine, notes, require_policies, scoped_pods
from .options import cluster_options, make_cluster_options, output_options, use_color
from .usage import ALL_SCOPE, CONTEXT_SETTINGS, NS_SCOPE, epilog

EXAMPLES = [("kubectl netpolicy exposure", "every namespace, most exposed first"),
            ("kubectl netpolicy exposure -n shop -l tier=frontend", "some pods of one namespace"),
            ("kubectl netpolicy exposure -f manifests/ -o json", "from YAML files, as JSON")]
EPILOG = epilog(EXAMPLES, {0: "the ranking was computed"})


def grouped(snapshot, exposures) -> list[dict]:
    """Pods of one workload with the same exposure become one row (ranked order kept)."""
    rows: dict[tuple, dict] = {}
    pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in snapshot.of("Pod")}
    for exposure in exposures:
        workload = workload_name(snapshot, pods[exposure.pod])
        row = rows.setdefault((workload, exposure.key()), {"workload": workload, **exposure.to_dict(), "pods": []})
        row["pods"].append(exposure.pod)
    for row in rows.values():
        del row["pod"]
    return list(rows.values())


@click.command(context_settings=CONTEXT_SETTINGS, name="exposure", epilog=EPILOG)
@cluster_options(namespace_help=NS_SCOPE, all_help=ALL_SCOPE)
@output_options()
def exposure(output, no_color, **kwargs):
    """Pods open to outside the cluster or to every namespace.

    Which pods accept traffic from outside the cluster (no policy, ipBlock, rule without from)
    or from all namespaces, most exposed first: where a security review starts.

    Pods: every namespace unless -n NS; -l filters them."""
    from ..policy.exposure import rank

    options = make_cluster_options(kwargs)
    snapshot, engine = load_engine(options)
    pods = scoped_pods(snapshot, options)
    require_policies(snapshot, {p["metadata"]["namespace"] for p in pods}, "cannot rank exposure")
    report = {"exposed": grouped(snapshot, rank(engine, pods)), "notes": notes(snapshot, pods=pods)}
    if not write_structured(report, output, sys.stdout):
        from ..render.exposure_text import write_exposure

        write_exposure(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return 0
