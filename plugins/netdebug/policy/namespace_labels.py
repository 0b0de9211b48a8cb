"""Whether unreadable Namespaces matter: only when some policy selects namespaces by a label other than
kubernetes.io/metadata.name (the one label every namespace has, known without reading it). Pure."""
from ..model import objects
from ..model.gaps import Gap
from ..model.kinds import ADMIN_POLICY_KINDS, NAMESPACE_NAME_LABEL


def unseen_namespace_labels(snapshot) -> Gap | None:
    """The Namespace gap that may change which namespaces a selector matches, if any."""
    gap = next(iter(g for g in snapshot.gaps_for("Namespace") if g.covers("Namespace", None)), None)
    if gap is None:
        return None
    policies = [p for kind in ("NetworkPolicy", *ADMIN_POLICY_KINDS) for p in snapshot.of(kind)]
    needs = any(key != NAMESPACE_NAME_LABEL for p in policies for key in _namespace_selector_keys(objects.spec(p)))
    return gap if needs else None


def _namespace_selector_keys(node):
    """Label keys of every namespaceSelector (NetworkPolicy) and `namespaces` selector (admin policies)."""
    if isinstance(node, list):
        for item in node:
            yield from _namespace_selector_keys(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("namespaceSelector", "namespaces") and isinstance(value, dict):
                yield from (value.get("matchLabels") or {})
                yield from (e.get("key") for e in value.get("matchExpressions") or [] if isinstance(e, dict))
            yield from _namespace_selector_keys(value)
