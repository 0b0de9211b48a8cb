"""The kubectl-shaped parts of every command's help: -h, examples, exit codes, truthful -n defaults."""
from ..errors import ExitCode

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

# -n/--namespace as each kind of command really uses it
NS_NAMES = "Namespace of names typed without one (default: the context's namespace; with -f: default)."
NS_SCOPE = "Only this namespace (default: all namespaces)."
NS_SERVICE = "Namespace of SVC (default: the context's namespace; with -f: default)."
ALL_NAMES = "Look up names typed without a namespace in every namespace (they must be unique)."
ALL_SCOPE = "All namespaces (the default; -n NS narrows it)."

EXIT_MEANINGS = {
    ExitCode.USAGE: "bad input (flags, names, files)",
    ExitCode.CLUSTER: "cannot answer: the cluster is unreachable or the reads are forbidden",
    4: "internal error (a bug: NETDEBUG_DEBUG=1 shows the traceback)",
}


def prog(plugin: str) -> str:
    """The name kubectl users type: `kubectl netpath`, not the executable's `kubectl-netpath`."""
    return f"kubectl {plugin}"


def epilog(examples: list[tuple[str, str]], exits: dict[int, str], notes: str = "") -> str:
    """Notes, then Examples (kubectl's layout: `# what it does`, then the command) and Exit codes."""
    lines = [line for command, comment in examples for line in (f"  # {comment}", f"  {command}")]
    codes = {**EXIT_MEANINGS, **exits}
    lines += ["", "\b", "Exit codes:"] + [f"  {int(code)}  {codes[code]}" for code in sorted(codes)]
    head = f"\b\n{notes}\n\n" if notes else ""
    return f"{head}\b\nExamples:\n" + "\n".join(lines)
