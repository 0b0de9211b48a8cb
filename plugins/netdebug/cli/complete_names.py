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
    """Names by kind and namespace from the files (-f) or the live cluster, as the typed options say.

    Live answers are remembered for a few seconds (cli/complete_cache): the next TAB needs no client."""

    def __init__(self, ctx):
        params = ctx.params
        self.options = ClusterOptions(kubeconfig=params.get("kubeconfig"), context=params.get("context"),
                                      namespace=params.get("namespace"), filenames=tuple(params.get("filenames") or ()),
                                      request_timeout=COMPLETION_TIMEOUT)
        self._cluster, self.snapshot = None, None
        if self.options.offline:
            from ..manifests.loader import load

            self.snapshot = load(list(self.options.filenames))

    def names(self, kind: str, namespace: str | None = None) -> list[str]:
        """Sorted names of a kind in a namespace (None: -n, else the context's or `default`)."""
        if self.snapshot is not None:
            found = self.snapshot.in_namespace(kind, namespace or self.options.namespace or "default")
            return sorted(objects.name(o) for o in found)
        return self._remembered(["names", kind, namespace], lambda: sorted(
            objects.name(o) for o in self.cluster.list(kind, namespace or self.cluster.namespace)))

    def of(self, extract, kind: str, namespace: str | None, name: str) -> list[str]:
        """What extract(kind, object) finds in one object (None: the object does not exist)."""
        if self.snapshot is not None:
            return extract(kind, self.snapshot.get(kind, namespace or self.options.namespace or "default", name))
        return self._remembered([extract.__name__, kind, namespace, name], lambda: extract(
            kind, self.cluster.get(kind, namespace or self.cluster.namespace, name)))

    @property
    def cluster(self):
        if self._cluster is None:
            from ..kube.client import connect

            self._cluster = connect(self.options)
        return self._cluster

    def _remembered(self, question: list, compute) -> list[str]:
        from .complete_cache import kubeconfig_key, remembered

        where = [kubeconfig_key(self.options.kubeconfig), self.options.context, self.options.namespace]
        return remembered(where + question, compute)


def pods(ctx, param, incomplete: str) -> list[CompletionItem]:
    """SRC, POD, --from: pods of the namespace, `KIND/` prefixes, then the workloads of a typed kind.

    svcdebug's --from lives in the Service's namespace unless it names one: so do its candidates."""
    service = typed_params(ctx).get("svc") if param.name == "from_pod" else None
    home = parse_ref(service, ("Service",)).namespace if service else None
    return references(ctx, incomplete, POD_KINDS, home)


def sources(ctx, param, incomplete: str) -> list[CompletionItem]:
    """netpath SRC: a pod or workload, or `external` (this machine, outside the cluster)."""
    return references(ctx, incomplete, POD_KINDS) + _items(["external"], incomplete)


def policy_endpoints(ctx, param, incomplete: str) -> list[CompletionItem]:
    """netpolicy SRC/DST: a pod or workload, or the pseudo-endpoint `ingress-controller`."""
    return references(ctx, incomplete, POD_KINDS) + _items(["ingress-controller"], incomplete)


def policies(ctx, param, incomplete: str) -> list[CompletionItem]:
    """netpolicy explain NAME: the NetworkPolicies of the namespace, or of NS/ when typed."""
    return references(ctx, incomplete, ("NetworkPolicy",))


def destinations(ctx, param, incomplete: str) -> list[CompletionItem]:
    return references(ctx, incomplete, (*POD_KINDS, "Service"))


def services(ctx, param, incomplete: str) -> list[CompletionItem]:
    return references(ctx, incomplete, ("Service",))


def references(ctx, incomplete: str, kinds: tuple[str, ...], home: str | None = None) -> list[CompletionItem]:
    """Names typed without a namespace come from `home` (None: -n, else the context's namespace)."""
    parts = incomplete.split("/")
    names = Names(ctx)
    if len(parts) == 1:
        prefixes = [f"{SHORT_NAMES[k]}/" for k in kinds[1:]]
        return _items(names.names(kinds[0], home), incomplete) + _items(prefixes, incomplete)
    if len(parts) == 2 and parts[0].lower() in KIND_ALIASES:
        return _items(_prefixed(names.names(KIND_ALIASES[parts[0].lower()], home), f"{parts[0]}/"), incomplete)
    if len(parts) == 2:
        return _items(_prefixed(names.names(kinds[0], parts[0]), f"{parts[0]}/"), incomplete)
    if len(parts) == 3 and parts[1].lower() in KIND_ALIASES:
        found = names.names(KIND_ALIASES[parts[1].lower()], parts[0])
        return _items(_prefixed(found, f"{parts[0]}/{parts[1]}/"), incomplete)
    return []


def namespaces(ctx, param, incomplete: str) -> list[CompletionItem]:
    names = Names(ctx)
    return _items(names.snapshot.namespaces() if names.snapshot is not None else names.names("Namespace"), incomplete)


def contexts(ctx, param, incomplete: str) -> list[CompletionItem]:
    """The kubeconfig's contexts: read from the file, no API call."""
    from ..kube.config import kubeconfig_paths, merged_contexts, read_kubeconfigs

    docs = read_kubeconfigs(kubeconfig_paths(ctx.params.get("kubeconfig")))
    return _items(sorted(str(name) for name in merged_contexts(docs)), incomplete)


def ports(ctx, param, incomplete: str) -> list[CompletionItem]:
    """Port names and numbers of the destination typed before --port (a Service, pod or workload)."""
    params = typed_params(ctx)
    typed = next((_last(params[key]) for key in ("dst", "svc", "pod") if params.get(key)), None)
    if typed is None:
        return []
    ref = parse_ref(typed.split(":")[0], (*POD_KINDS, "Service") if "svc" not in params else ("Service",))
    return _items(Names(ctx).of(_ports, ref.kind, ref.namespace, ref.name), incomplete)


def containers(ctx, param, incomplete: str) -> list[CompletionItem]:
    """-c: the containers of SRC (netpath) or POD (capture); --to-container: those of DST."""
    params = typed_params(ctx)
    typed = _last(params.get("dst")) if param.name == "to_container" else params.get("src") or params.get("pod")
    if not typed or typed == "external":
        return []
    ref = parse_ref(typed.split(":")[0], POD_KINDS)
    return _items(Names(ctx).of(_containers, ref.kind, ref.namespace, ref.name), incomplete)


def _last(value):
    """netpath takes several DSTs: the one typed last is the one an option after it is about."""
    return value[-1] if isinstance(value, (tuple, list)) and value else value or None


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


def _ports(kind: str, obj: dict | None) -> list[str]:
    if obj is None:
        return []
    if kind == "Service":
        declared = objects.spec(obj).get("ports") or []
    else:
        declared = [p for c in _pod_spec(kind, obj).get("containers") or [] for p in c.get("ports") or []]
    found = [str(p.get(key)) for p in declared for key in ("name", "port", "containerPort") if p.get(key)]
    return list(dict.fromkeys(found))


def _containers(kind: str, obj: dict | None) -> list[str]:
    return [c.get("name") for c in _pod_spec(kind, obj).get("containers") or [] if c.get("name")] if obj else []


def _pod_spec(kind: str, obj: dict) -> dict:
    """A pod's spec, or the pod template's of a workload."""
    return objects.spec(obj if kind == "Pod" else objects.spec(obj).get("template") or {})


def _prefixed(names: list[str], prefix: str) -> list[str]:
    return [prefix + name for name in names]


def _items(values: list[str], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(v) for v in values if v.startswith(incomplete)]
