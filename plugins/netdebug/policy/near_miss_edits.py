"""Edits to a NetworkPolicy, as data: where (a path into the object), old and new value, and why.

Selector edits never select on labels controllers generate (pod-template-hash, ...): such a term
is removed instead. `apply` makes the edits on a copy, so a suggestion can be verified.
"""
import copy
import difflib
from dataclasses import dataclass

from ..model.kinds import GENERATED_POD_LABELS, NAMESPACE_NAME_LABEL
from ..model.selectors import matches

COST = {"extra-term": 2}
TYPO = 0.6  # label values at least this alike (difflib ratio) are a typo, not another peer
CLOSENESS = {"service-port": 1.0, "namespace": 0.6, "port": 0.5, "generated-label": 0.4, "add-peer": 0.3,
             "add-port": 0.3, "extra-term": 0.0}


@dataclass(frozen=True)
class Edit:
    path: tuple  # into the policy object, e.g. ("spec", "ingress", 0, "ports", 0, "port")
    old: object  # None: the field is added
    new: object  # None: the field is removed
    reason: str  # service-port | port | add-port | label-value | label-key | namespace | generated-label |
    #              add-peer | extra-term

    @property
    def cost(self) -> int:
        """1 for a small edit; 2 for one that widens the rule or swaps a value for an unrelated one."""
        if self.reason in ("label-value", "label-key"):
            return 1 if self.closeness >= TYPO else 2
        return COST.get(self.reason, 1)

    @property
    def closeness(self) -> float:
        if self.reason in ("label-value", "label-key"):
            return difflib.SequenceMatcher(None, str(self.old), str(self.new)).ratio()
        return CLOSENESS[self.reason]


def stable_labels(labels: dict) -> dict:
    """A pod's labels without those its controller generates (they change with every rollout)."""
    return {k: v for k, v in sorted(labels.items()) if k not in GENERATED_POD_LABELS}


def peer_entry(peer, policy_ns: str) -> dict:
    """A `from`/`to` entry admitting this pod by its stable labels (and its namespace when elsewhere);
    a hostNetwork pod is node traffic, which only an ipBlock of its IP admits."""
    if peer.host_network and peer.ips:
        return {"ipBlock": {"cidr": f"{peer.ips[0]}/{128 if ':' in peer.ips[0] else 32}"}}
    entry = {"podSelector": {"matchLabels": stable_labels(peer.labels)}}
    if peer.namespace != policy_ns:
        entry["namespaceSelector"] = {"matchLabels": {NAMESPACE_NAME_LABEL: peer.namespace}}
    return entry


def pod_peer_edits(path: tuple, entry: dict, policy_ns: str, peer, ns_labels: dict) -> list[Edit]:
    edits = []
    if entry.get("namespaceSelector") is None and peer.namespace != policy_ns:
        edits.append(Edit((*path, "namespaceSelector"), None, {"matchLabels": {NAMESPACE_NAME_LABEL: peer.namespace}},
                          "namespace"))
    elif entry.get("namespaceSelector") is not None:
        edits += selector_edits((*path, "namespaceSelector"), entry["namespaceSelector"], ns_labels)
    if entry.get("podSelector") is not None:
        edits += selector_edits((*path, "podSelector"), entry["podSelector"], peer.labels)
    return edits


def selector_edits(path: tuple, selector: dict, labels: dict) -> list[Edit]:
    edits = []
    for key, value in sorted((selector.get("matchLabels") or {}).items()):
        if labels.get(key) != value:
            edits.append(_label_edit((*path, "matchLabels"), key, value, labels))
    for index, expression in enumerate(selector.get("matchExpressions") or []):
        key, values = expression.get("key"), list(expression.get("values") or [])
        if expression.get("operator") == "In" and key in labels and labels[key] not in values:
            if key not in GENERATED_POD_LABELS:
                edits.append(Edit((*path, "matchExpressions", index, "values"), values, values + [labels[key]],
                                  "label-value"))
                continue
        if not _expression_holds(expression, labels):
            edits.append(Edit((*path, "matchExpressions", index), expression, None, "extra-term"))
    return edits


def _label_edit(path: tuple, key: str, value: str, labels: dict) -> Edit:
    if key in GENERATED_POD_LABELS:
        return Edit((*path, key), value, None, "generated-label")
    if key in labels:
        return Edit((*path, key), value, labels[key], "label-value")
    keys = [k for k in labels if k not in GENERATED_POD_LABELS]
    similar = difflib.get_close_matches(key, keys, n=1, cutoff=0.7)
    if similar:
        return Edit(path, {key: value}, {similar[0]: labels[similar[0]]}, "label-key")
    return Edit((*path, key), value, None, "extra-term")


def _expression_holds(expression: dict, labels: dict) -> bool:
    return matches({"matchExpressions": [expression]}, labels)


def apply(policy: dict, edits) -> dict:
    """A copy of the policy with the edits made (what `kubectl apply` of the fix would give)."""
    patched = copy.deepcopy(policy)
    for edit in edits:
        *parents, last = edit.path
        node = patched
        for step in parents:
            node = node[step]
        if edit.reason == "label-key":
            for key in edit.old:
                node[last].pop(key, None)
            node[last].update(edit.new)
        elif edit.new is None:
            del node[last]
        elif isinstance(node, list) and last == len(node):
            node.append(edit.new)
        else:
            node[last] = edit.new
    return patched
