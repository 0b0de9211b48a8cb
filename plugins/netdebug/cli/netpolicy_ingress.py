"""`kubectl netpolicy ingress`: may the ingress controller reach the backends of every Ingress path?"""
import sys

import click

from ..errors import ExitCode
from ..model import objects
from ..model.selectors import matches, parse
from ..render.structured import write_structured
from ..render.style import Style
from .netpolicy_load import load_engine, notes
from .options import cluster_options, make_cluster_options, output_options, use_color
from .usage import ALL_SCOPE, CONTEXT_SETTINGS, NS_SCOPE, epilog

INGRESS_KINDS = ("Service", "Ingress", "IngressClass")
NOTES = """Controller pods: those of the Ingress's IngressClass controller (ingress-nginx,
traefik, haproxy, contour/envoy, kong, nginx-ingress), found by their well-known labels;
--ingress-controller overrides.  Ingresses: every namespace unless -n NS; -l filters them."""
EXAMPLES = [("kubectl netpolicy ingress", "every Ingress path of every namespace"),
            ("kubectl netpolicy ingress -n shop --ingress-controller ingress-nginx/app=ingress-nginx",
             "one namespace, the controller pods named"),
            ("kubectl netpolicy ingress -f manifests/ -o json", "from YAML files, as JSON")]
EPILOG = epilog(EXAMPLES, {0: "every path reachable", 1: "some path blocked"}, NOTES)


@click.command(context_settings=CONTEXT_SETTINGS, name="ingress", epilog=EPILOG)
@click.option("--ingress-controller", "controller", metavar="NS/SELECTOR", default=None,
              help="The controller pods, e.g. ingress-nginx/app.kubernetes.io/name=ingress-nginx (NS * for all).")
@cluster_options(namespace_help=NS_SCOPE, all_help=ALL_SCOPE)
@output_options()
def ingress(controller, output, no_color, **kwargs):
    """May the ingress controller reach each Ingress backend.

    For every Ingress path: may the controller pods reach its backend pods under the policies?"""
    from ..diagnose.ingress_controllers import parse_override
    from ..diagnose.ingress_paths import blocked, ingress_paths

    if controller:
        parse_override(controller)  # bad input is reported before the cluster is read
    options = make_cluster_options(kwargs)
    snapshot, engine = load_engine(options, INGRESS_KINDS)
    paths = ingress_paths(snapshot, engine, controller, scoped_ingresses(snapshot, options))
    report = {"kind": "IngressPaths", "paths": paths, "notes": notes(snapshot) + _gaps(snapshot)}
    if not write_structured(report, output, sys.stdout):
        from ..render.netpolicy_ingress import write_ingress

        write_ingress(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return ExitCode.PROBLEM if blocked(paths) else ExitCode.OK


def scoped_ingresses(snapshot, options) -> list[dict]:
    found = snapshot.of("Ingress")
    if options.namespace and not options.all_namespaces:
        found = [i for i in found if objects.namespace(i) == options.namespace]
    if options.selector:
        selector = parse(options.selector)
        found = [i for i in found if matches(selector, objects.labels(i))]
    return found


def _gaps(snapshot) -> list[str]:
    return [f"{g.sentence}; the answer may be wrong" for g in snapshot.gaps if g.kind in INGRESS_KINDS]
