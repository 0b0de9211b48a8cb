"""Which probe tools a container has, found with one exec (a few direct execs when there is no shell)."""
from dataclasses import dataclass, field

CANDIDATES = ("bash", "nc", "curl", "wget", "python3", "python", "busybox", "getent", "nslookup", "cat", "timeout")
# A fixed string: nothing user-supplied ever goes into it. Besides the paths it reports flavours:
# GNU wget (needs --tries=1, which busybox wget rejects) and whether nc knows -z / -u (busybox's
# small nc knows neither).
DETECT_SCRIPT = ("for t in " + " ".join(CANDIDATES) + "; do command -v \"$t\"; done; "
                 "wget --version >/dev/null 2>&1 && echo gnu-wget; "
                 "if command -v nc >/dev/null; then h=$(nc -h 2>&1); "
                 "case \"$h\" in *[[:space:]]-z*) echo nc-z;; esac; case \"$h\" in *[[:space:]]-u*) echo nc-u;; esac; fi; true")
FLAVOURS = ("gnu-wget", "nc-z", "nc-u")
# Without a shell, try the binaries that can still do something (python: everything; cat: /proc reads).
NO_SHELL_CHECKS = (("python3", ("python3", "-c", "pass")), ("python", ("python", "-c", "pass")),
                   ("busybox", ("busybox", "true")), ("cat", ("cat", "/proc/self/stat")))


@dataclass(frozen=True)
class Toolset:
    tools: frozenset = field(default_factory=frozenset)
    shell: bool = False  # `sh -c` works
    error: str | None = None  # detection itself failed (container not running, forbidden...)

    def has(self, tool: str) -> bool:
        return tool in self.tools

    @property
    def empty(self) -> bool:
        return not self.tools

    def to_dict(self) -> dict:
        return {"tools": sorted(self.tools), "shell": self.shell, **({"error": self.error} if self.error else {})}


def parse_detected(stdout: str) -> frozenset:
    """`command -v` prints a path (or the bare name for builtins); keep the known tool names."""
    names = {line.strip().rsplit("/", 1)[-1] for line in stdout.splitlines() if line.strip()}
    return frozenset(names & {*CANDIDATES, *FLAVOURS})


def detect_tools(cluster, namespace: str, pod: str, container: str, timeout: float = 5.0) -> Toolset:
    result = cluster.exec(namespace, pod, container, ["sh", "-c", DETECT_SCRIPT], timeout=timeout)
    if result.returncode is not None:
        return Toolset(parse_detected(result.stdout), shell=True)
    if result.error and missing_binary(result.error):
        return _detect_without_shell(cluster, namespace, pod, container, timeout)  # no `sh` in the image
    return Toolset(error=result.error or f"tool detection timed out after {timeout:g}s")


def missing_binary(error: str) -> bool:
    """The runtime's "executable file not found" (containerd, CRI-O, docker word it alike)."""
    text = error.lower()
    return "executable file not found" in text or "no such file or directory" in text


def _detect_without_shell(cluster, namespace, pod, container, timeout) -> Toolset:
    found = set()
    for tool, argv in NO_SHELL_CHECKS:
        if cluster.exec(namespace, pod, container, list(argv), timeout=timeout).returncode == 0:
            found.add(tool)
    return Toolset(frozenset(found))
