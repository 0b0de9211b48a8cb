"""`netpolicy explain` as plain words: one block per policy, one sentence per rule."""
from .style import Style

_NAME_LABEL = "kubernetes.io/metadata.name="
_VERB = {"ingress": ("accept", "from"), "egress": ("may send", "to")}


def subject_words(described: dict) -> str:
    selector, ns = described["podSelector"], described["namespace"]
    if selector == "<all>":
        return f"all pods in namespace {ns}"
    return f"pods {selector} in namespace {ns}"


def port_words(ports) -> str:
    if ports == "all":
        return "traffic on all ports"
    return ", ".join(_one_port(p) for p in ports)


def _one_port(port: dict) -> str:
    number = port.get("port")
    if number is None:
        return f"{port['protocol']} on all ports"
    if isinstance(number, str):
        return f"{port['protocol']} port named {number}"
    if port.get("endPort") is not None:
        return f"{port['protocol']} {number}-{port['endPort']}"
    return f"{port['protocol']} {number}"


def peer_words(peers) -> str:
    if peers == "all":
        return "anywhere (all pods in all namespaces and all IP addresses)"
    return " or ".join(_one_peer(p) for p in peers)


def _one_peer(peer: dict) -> str:
    if peer["kind"] == "ipBlock":
        text = f"IP addresses in {peer['cidr']}"
        return text + (f" except {', '.join(peer['except'])}" if peer["except"] else "")
    pods = "all pods" if peer["pods"] == "<all>" else f"pods {peer['pods']}"
    return f"{pods} {_namespace_words(peer['namespaces'])}" + ("" if peer["matches"] else " (none right now)")


def _namespace_words(namespaces: dict) -> str:
    if "same" in namespaces:
        return f"in namespace {namespaces['same']}"
    selector = namespaces["selector"]
    if selector == "<all>":
        return "in all namespaces"
    if selector.startswith(_NAME_LABEL) and "," not in selector:
        return f"in namespace {selector[len(_NAME_LABEL):]}"
    return f"in namespaces {selector}"


def rule_sentence(described: dict, direction: str, rule: dict) -> str:
    verb, preposition = _VERB[direction]
    return f"{subject_words(described)} {verb} {port_words(rule['ports'])} {preposition} {peer_words(rule['peers'])}"


def direction_sentences(described: dict, direction: str) -> list[str]:
    rules = described.get(direction)
    if rules is None:
        return []
    if not rules:
        what = "accept no incoming traffic" if direction == "ingress" else "may send no outgoing traffic"
        return [f"{subject_words(described)} {what} (unless another policy allows it)"]
    return [rule_sentence(described, direction, rule) + f"  [{direction} rule {rule['rule']}]" for rule in rules]


def selects_line(described: dict) -> str:
    pods = described["selects"]
    if not pods:
        return "selects no pods right now"
    return f"selects {len(pods)} pod{'s' if len(pods) != 1 else ''} right now: {', '.join(pods)}"


def write_explain(report: dict, stream, style: Style = Style()) -> None:
    policies = report["policies"]
    if not policies:
        stream.write("No NetworkPolicies found.\n")
    for index, described in enumerate(policies):
        if index:
            stream.write("\n")
        directions = "+".join(described["directions"])
        stream.write(f"{style.paint('NetworkPolicy ' + described['policy'], 'bold')} ({directions})\n")
        stream.write(f"  {selects_line(described)}\n")
        for direction in ("ingress", "egress"):
            for sentence in direction_sentences(described, direction):
                stream.write(f"  - {sentence}\n")
        for direction in described.get("ignored", []):
            stream.write(f"  {style.mark('warn')} its {direction} rules are ignored: "
                         f"policyTypes does not list {direction.capitalize()}\n")
    for note in report.get("notes", []):
        stream.write(f"{style.mark('warn')} {note}\n")
