"""Network error lines in container logs: refused connections, timeouts, DNS failures, TLS trouble."""
import re

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
