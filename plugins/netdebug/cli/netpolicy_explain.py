"""`kubectl netpolicy explain [NAME]`: each NetworkPolicy in plain words, with what it selects now."""
import dataclasses
import sys

import click

from ..model import objects
from ..model.gaps import notes as gap_notes, require
from ..model.refs import parse_ref
from ..model.resolve import Scope, find
from ..model.snapshot import Snapshot
from ..render.structured import write_structured
from ..render.style import Style
from .options import ClusterOptions, cluster_options, completes, make_cluster_options, output_options, use_color
from .usage import ALL_SCOPE, CONTEXT_SETTINGS, NS_SCOPE, epilog
from .snapshot import load_snapshot

POLICY_KINDS = ("Namespace", "Pod", "NetworkPolicy")


def load_everything(options: ClusterOptions) -> Snapshot:
    """Every namespace's policies, pods and namespaces (peers cross namespaces); -n only scopes the answer."""
    source = options if options.offline else dataclasses.replace(options, all_namespaces=True, selector=None)
    return load_snapshot(source, POLICY_KINDS)


def scoped_policies(snapshot: Snapshot, namespace: str | None) -> list[dict]:
    policies = snapshot.in_namespace("NetworkPolicy", namespace)
    return sorted(policies, key=objects.ref)


def find_policy(snapshot: Snapshot, name: str, all_namespaces: bool) -> dict:
    """NAME or NS/NAME, by kubectl's rule: NAME in -n, else the context's namespace; -A: anywhere, unique."""
    ref = parse_ref(name, ("NetworkPolicy",), "NetworkPolicy")
    return find(snapshot, ref, Scope(snapshot.namespace, all_namespaces))


def snapshot_notes(snapshot: Snapshot, kinds: tuple[str, ...]) -> list[str]:
    """What the answer could not see (RBAC, missing APIs): said in the output, never hidden."""
    return gap_notes(snapshot.gaps, kinds)


EXAMPLES = [("kubectl netpolicy explain", "every policy of every namespace"),
            ("kubectl netpolicy explain -n shop", "the policies of one namespace"),
            ("kubectl netpolicy explain shop/default-deny -o json", "one policy, as JSON"),
            ("kubectl netpolicy explain -f manifests/", "policies in YAML files")]
EPILOG = epilog(EXAMPLES, {0: "explained"})


@click.command(context_settings=CONTEXT_SETTINGS, name="explain", epilog=EPILOG)
@click.argument("name", required=False, shell_complete=completes("policies"))
@cluster_options(namespace_help=NS_SCOPE, all_help=ALL_SCOPE, selects=False)
@output_options()
def explain(name, output, no_color, **kwargs):
    """Each NetworkPolicy in plain words, with the pods it selects.

    NAME may be POLICY or NAMESPACE/POLICY; without it every policy of every namespace (or of -n NS)
    is explained.
    """
    from ..policy.describe import describe_all

    options = make_cluster_options(kwargs)
    snapshot = load_everything(options)
    namespace = None if options.all_namespaces else options.namespace
    policies = [find_policy(snapshot, name, options.all_namespaces)] if name else scoped_policies(snapshot, namespace)
    if not policies:
        require(snapshot.gaps, "NetworkPolicy", namespace, "no policies to explain")
    report = {"policies": describe_all(snapshot, policies), "notes": snapshot_notes(snapshot, POLICY_KINDS)}
    if not write_structured(report, output, sys.stdout):
        from ..render.netpolicy_explain import write_explain

        write_explain(report, sys.stdout, Style(use_color(no_color, sys.stdout)))
    return 0
