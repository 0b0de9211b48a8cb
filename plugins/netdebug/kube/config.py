"""Find the kubeconfig(s), pick the context the way kubectl does, and build a client Configuration.

The official loader does the authentication (token, token file, client certificates, exec-credential
plugins, auth providers); this module only decides *which* files and context, following kubectl:
`--kubeconfig` alone, else every file in KUBECONFIG merged (the first file to define a name wins,
the first `current-context` wins), else ~/.kube/config, else the in-cluster service account.
"""
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass

import yaml

from ..errors import ClusterError, InputError
from . import library

DEFAULT_KUBECONFIG = "~/.kube/config"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: same objects
INCLUSTER_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"


@dataclass(frozen=True)
class ClusterConfig:
    configuration: object  # kubernetes.client.Configuration, ready for an ApiClient
    context: str
    namespace: str  # -n, else the context's namespace, else "default"
    server: str


def kubeconfig_paths(explicit: str | None) -> list[str]:
    """The kubeconfig files to merge, existing ones only (like kubectl, missing KUBECONFIG entries are skipped)."""
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.isfile(path):
            raise InputError(f"kubeconfig {explicit}: no such file")
        return [path]
    listed = os.environ.get("KUBECONFIG")
    entries = listed.split(os.pathsep) if listed else [DEFAULT_KUBECONFIG]
    paths = [os.path.expanduser(entry) for entry in entries if entry]
    return [path for path in paths if os.path.isfile(path)]


def read_kubeconfigs(paths: list[str]) -> list[dict]:
    docs = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                doc = yaml.load(handle, Loader=_SAFE_LOADER)
        except (OSError, yaml.YAMLError) as err:
            raise ClusterError(f"kubeconfig {path}: {str(err).splitlines()[0]}") from None
        if doc is not None and not isinstance(doc, dict):
            raise ClusterError(f"kubeconfig {path}: not a kubeconfig (expected a mapping)")
        docs.append(doc or {})
    return docs


def merged_contexts(docs: list[dict]) -> dict[str, dict]:
    """Context name -> context body; the first file that defines a name wins."""
    contexts = {}
    for doc in docs:
        for entry in doc.get("contexts") or []:
            contexts.setdefault(entry.get("name"), entry.get("context") or {})
    return contexts


def current_context(docs: list[dict]) -> str | None:
    for doc in docs:
        if doc.get("current-context"):
            return doc["current-context"]
    return None


def choose_context(docs: list[dict], requested: str | None) -> tuple[str, dict]:
    contexts = merged_contexts(docs)
    name = requested or current_context(docs)
    known = ", ".join(sorted(str(n) for n in contexts)) or "none"
    if name is None:
        raise InputError(f"the kubeconfig sets no current context; pass --context (contexts: {known})")
    if name not in contexts:
        raise InputError(f"context {name!r} not found in the kubeconfig (contexts: {known})")
    return name, contexts[name]


def load_config(options) -> ClusterConfig:
    """Resolve options (ClusterOptions) into a Configuration, context name and namespace."""
    paths = kubeconfig_paths(options.kubeconfig)
    if not paths:
        return _incluster(options)
    name, context = choose_context(read_kubeconfigs(paths), options.context)
    lib = library.load()
    configuration = lib.Configuration()
    try:
        with _logged_errors() as logged:
            lib.kube_config.load_kube_config(config_file=os.pathsep.join(paths), context=name,
                                             client_configuration=configuration, persist_config=False)
    except (lib.ConfigException, KeyError, ValueError, OSError) as err:
        raise ClusterError(f"kubeconfig context {name!r}: {_first_line(err)}") from None
    if logged:
        raise ClusterError(f"kubeconfig context {name!r}: could not get credentials: {logged[0]}")
    _tune(configuration, lib)
    namespace = options.namespace or context.get("namespace") or "default"
    return ClusterConfig(configuration, name, namespace, configuration.host)


def _incluster(options) -> ClusterConfig:
    lib = library.load()
    if not os.environ.get("KUBERNETES_SERVICE_HOST"):
        raise ClusterError("no kubeconfig found (set KUBECONFIG, use --kubeconfig, or create ~/.kube/config)")
    configuration = lib.Configuration()
    try:
        lib.incluster_config.load_incluster_config(client_configuration=configuration)
    except lib.ConfigException as err:
        raise ClusterError(f"in-cluster configuration: {_first_line(err)}") from None
    _tune(configuration, lib)
    namespace = options.namespace or _read_text(INCLUSTER_NAMESPACE_FILE) or "default"
    return ClusterConfig(configuration, "in-cluster", namespace, configuration.host)


class _ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(_first_line(Exception(record.getMessage())))


@contextmanager
def _logged_errors():
    """The kubeconfig loader reports a failing exec/auth plugin only with logging.error(); catch it."""
    handler, root = _ErrorLog(), logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)


def _tune(configuration, lib) -> None:
    _strip_token(configuration)
    # No retries: an unreachable API server fails after one timeout (not four) and urllib3 logs nothing.
    configuration.retries = lib.urllib3.Retry(total=0, redirect=0, raise_on_status=False)
    if not configuration.verify_ssl:  # the user chose insecure-skip-tls-verify; don't warn per request
        lib.urllib3.disable_warnings(lib.urllib3.exceptions.InsecureRequestWarning)


def _strip_token(configuration) -> None:
    """Like kubectl, drop a token file's surrounding whitespace (its final newline): the client would
    send it and fail with "Invalid header value". Its refresh hook sets the token before each request."""
    refresh = configuration.refresh_api_key_hook

    def stripped(config) -> None:
        if refresh:
            refresh(config)
        if config.api_key.get("BearerToken"):
            config.api_key["BearerToken"] = config.api_key["BearerToken"].strip()

    stripped(configuration)
    configuration.refresh_api_key_hook = stripped


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def _first_line(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]
