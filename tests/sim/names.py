"""Deterministic names, uids and hashes, so a scenario looks the same on every run."""
import hashlib
import uuid

# The alphabet Kubernetes uses for generated suffixes (no vowels, no confusable digits).
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def digest(*parts) -> int:
    text = "\x00".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def suffix(length: int, *parts) -> str:
    value, chars = digest(*parts), []
    for _ in range(length):
        value, index = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def uid(kind: str, namespace: str | None, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"netdebug-sim/{kind}/{namespace or ''}/{name}"))


def hex_id(*parts, length: int = 64) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()[:length]


def meta(obj: dict) -> dict:
    return obj.setdefault("metadata", {})


def ensure_uid(obj: dict) -> str:
    m = meta(obj)
    m.setdefault("uid", uid(obj["kind"], m.get("namespace"), m["name"]))
    return m["uid"]


def key(obj: dict) -> str:
    m = obj.get("metadata") or {}
    return f"{m.get('namespace')}/{m.get('name')}" if m.get("namespace") else m.get("name", "")
