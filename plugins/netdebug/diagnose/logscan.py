"""Network error lines in container logs: refused connections, timeouts, DNS failures, TLS trouble."""
import re

from ..model.findings import Finding

PATTERNS = (
    ("connection-refused", re.compile(r"connection refused|ECONNREFUSED", re.I)),
    ("timeout", re.compile(r"timed? ?out|ETIMEDOUT|deadline exceeded", re.I)),
    ("name-resolution", re.compile(r"no such host|name or service not known|could not resolve|"
                                   r"temporary failure in name resolution|EAI_AGAIN|ENOTFOUND|NXDOMAIN", re.I)),
    ("tls", re.compile(r"tls handshake|x509|certificate (verify|has expired|signed by unknown)|SSL routines|"
                       r"bad certificate", re.I)),
    ("connection-reset", re.compile(r"connection reset|ECONNRESET|broken pipe", re.I)),
    ("unreachable", re.compile(r"no route to host|network is unreachable|EHOSTUNREACH", re.I)),
)
LINE_LIMIT = 300  # characters kept of one log line


def scan(text: str, limit: int = 5) -> list[dict]:
    """The last `limit` lines that look like network errors: {"kind", "line"}."""
    found = []
    for line in text.splitlines():
        kind = classify(line)
        if kind:
            found.append({"kind": kind, "line": line.strip()[:LINE_LIMIT]})
    return found[-limit:]


def classify(line: str) -> str | None:
    for kind, pattern in PATTERNS:
        if pattern.search(line):
            return kind
    return None


def log_findings(subject: str, texts: dict) -> list[Finding]:
    """texts: "ns/pod/container" -> its recent log lines; one warning naming the containers that logged
    network errors (none when none did)."""
    hits = {where: [f"[{h['kind']}] {h['line']}" for h in scan(text)] for where, text in texts.items()}
    hits = {where: lines for where, lines in hits.items() if lines}
    if not hits:
        return []
    return [Finding("backend-log-network-errors", "warning",
                    f"{len(hits)} backend container(s) logged network errors recently", hits,
                    "read the full logs: the backend may itself fail to reach its dependencies", subject)]
