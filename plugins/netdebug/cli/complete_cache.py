"""A few seconds of memory for shell completion: the next TAB (SRC, then DST, then --port, often in the
same namespace) is answered without importing the API client or calling the server again.

Entries live in $XDG_CACHE_HOME/netdebug/completion (default ~/.cache), one small JSON file per
question, readable by the user only; the key covers the kubeconfig files (their paths and mtimes, so a
context switch is a new key), the --context and -n typed, and the question. Names only, never objects.
"""
import hashlib
import json
import os
import time

TTL_SECONDS = 10.0


def remembered(key: list, compute, ttl: float = TTL_SECONDS) -> list[str]:
    """compute() unless an answer to the same question is younger than ttl; errors are not remembered."""
    path = _path(key)
    try:
        if time.time() - os.stat(path).st_mtime < ttl:
            with open(path, encoding="utf-8") as stream:
                return json.load(stream)
    except (OSError, ValueError):
        pass
    answer = compute()
    _store(path, answer)
    return answer


def kubeconfig_key(explicit: str | None) -> list:
    """The kubeconfig files that decide the cluster, with their mtimes (without parsing them)."""
    listed = [explicit] if explicit else (os.environ.get("KUBECONFIG") or "~/.kube/config").split(os.pathsep)
    paths = [os.path.expanduser(p) for p in listed if p]
    return [[p, os.stat(p).st_mtime if os.path.exists(p) else None] for p in paths]


def _path(key: list) -> str:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:32]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "netdebug", "completion", f"{digest}.json")


def _store(path: str, answer: list[str]) -> None:
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        partial = f"{path}.{os.getpid()}"
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as stream:
            json.dump(answer, stream)
        os.replace(partial, path)
    except OSError:
        pass  # a read-only home: no memory, same answers
