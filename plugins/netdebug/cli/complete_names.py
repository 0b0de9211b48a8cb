"""Real names for shell completion: pods, workloads, Services, namespaces, contexts, port names.

click calls these with the options typed so far (ctx.params); they read the live cluster (one short
list per answer, timeout COMPLETION_TIMEOUT) or, with -f, the files. kubectl asks for them through
`kubectl_complete-<plugin>` (cli/completion.py). Failures give no candidates, never an error.
"""
from click.shell_completion import CompletionItem

from ..model import objects
from ..model.refs import KIND_ALIASES, POD_KINDS, SHORT_NAMES, parse_ref
from .options import ClusterOptions

COMPLETION_TIMEOUT = 2.0  # seconds for the one API call behind a completion


class Names:
    """Objects by kind and namespace from the files (-f) or the live cluster, as the typed options say."""

    def __init__(self, ctx):
        params = ctx.params
        self.options = ClusterOptions(kubeconfig=params.get("kubeconfig"), context=params.get("context"),
                                      namespace=params.get("namespace"), filenames=tuple(params.get("filenames") or ()),
                                      request_timeout=COMPLETION_TIMEOUT)
        if self.options.offline:
            from ..manifests.loader import load

            self.snapshot, self.cluster = load(list(self.options.filenames)), None
            self.namespace = self.options.namespace or "default"
        else:
            from ..kube.client import connect

            self.snapshot, self.cluster = None, connect(self.options)
            self.namespace = self.cluster.namespace

    def list(self, kind: str, namespace: str | None) -> list[dict]:
        if self.cluster is None:
            return self.snapshot.in_namespace(kind, namespace)
        return self.cluster.list(kind, namespace)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        if self.cluster is None:
            return self.snapshot.get(kind, namespace, name)
        return self.cluster.get(kind, namespace, name)


def pods(ctx, param, incomplete: str) -> list[CompletionItem]:
    """SRC, POD, --from: pods of the namespace, `KIND/` prefixes, then the workloads of a typed kind."""
    return references(ctx, incomplete, POD_KINDS)


def destinations(ctx, param, incomplete: str) -> list[CompletionItem]:
    return references(ctx, incomplete, (*POD_KINDS, "Service"))


def services(ctx, param, incomplete: str) -> list[CompletionItem]:
    return references(ctx, incomplete, ("Service",))


def references(ctx, incomplete: str, kinds: tuple[str, ...]) -> list[CompletionItem]:
    parts = incomplete.split("/")
    names = Names(ctx)
    if len(parts) == 1:
        prefixes = [f"{SHORT_NAMES[k]}/" for k in kinds[1:]]
        return _items(_named(names, kinds[0], names.namespace, ""), incomplete) + _items(prefixes, incomplete)
    if len(parts) == 2 and parts[0].lower() in KIND_ALIASES:
        return _items(_named(names, KIND_ALIASES[parts[0].lower()], names.namespace, f"{parts[0]}/"), incomplete)
    if len(parts) == 2:
        return _items(_named(names, kinds[0], parts[0], f"{parts[0]}/"), incomplete)
    if len(parts) == 3 and parts[1].lower() in KIND_ALIASES:
        kind = KIND_ALIASES[parts[1].lower()]
        return _items(_named(names, kind, parts[0], f"{parts[0]}/{parts[1]}/"), incomplete)
    return []


def namespaces(ctx, param, incomplete: str) -> list[CompletionItem]:
    names = Names(ctx)
    found = [objects.name(n) for n in names.list("Namespace", None)] if names.cluster else names.snapshot.namespaces()
    return _items(sorted(found), incomplete)


def contexts(ctx, param, incomplete: str) -> list[CompletionItem]:
    """The kubeconfig's contexts: read from the file, no API call."""
    from ..kube.config import kubeconfig_paths, merged_contexts, read_kubeconfigs

    docs = read_kubeconfigs(kubeconfig_paths(ctx.params.get("kubeconfig")))
    return _items(sorted(str(name) for name in merged_contexts(docs)), incomplete)


def ports(ctx, param, incomplete: str) -> list[CompletionItem]:
    """Port names and numbers of the destination typed before --port (a Service, pod or workload)."""
    params = typed_params(ctx)
    typed = next((params[key] for key in ("dst", "svc", "pod") if params.get(key)), None)
    if typed is None:
        return []
    names = Names(ctx)
    ref = parse_ref(typed.split(":")[0], (*POD_KINDS, "Service") if "svc" not in ctx.params else ("Service",))
    obj = names.get(ref.kind, ref.namespace or names.namespace, ref.name)
    if obj is None:
        return []
    if ref.kind == "Service":
        declared = objects.spec(obj).get("ports") or []
    else:
        template = (objects.spec(obj).get("template") or {}) if ref.kind != "Pod" else obj
        declared = [p for c in objects.spec(template).get("containers") or [] for p in c.get("ports") or []]
    found = [str(p.get(key)) for p in declared for key in ("name", "port", "containerPort") if p.get(key)]
    return _items(list(dict.fromkeys(found)), incomplete)


def typed_params(ctx) -> dict:
    """The parameters typed so far. click drops the positional ones while an option still waits for its
    value (`SVC --port <TAB>`), so the words before that option are parsed again."""
    words = list((ctx.find_root().obj or {}).get("words") or [])
    if ctx.parent is not None and ctx.info_name in words:
        words = words[words.index(ctx.info_name) + 1:]
    if not words or not words[-1].startswith("-"):
        return ctx.params
    with ctx.command.make_context(ctx.info_name, words[:-1], resilient_parsing=True) as again:
        return again.params


def _named(names: Names, kind: str, namespace: str, prefix: str) -> list[str]:
    return sorted(prefix + objects.name(o) for o in names.list(kind, namespace))


def _items(values: list[str], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(v) for v in values if v.startswith(incomplete)]
