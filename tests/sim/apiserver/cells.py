"""Cell helpers shared by the table printers: name, age in kubectl's short form."""
from datetime import datetime, timezone

from .store import now


def name(obj: dict) -> str:
    return obj["metadata"]["name"]


def age(obj: dict, created: str | None = None) -> str:
    created = created or obj["metadata"].get("creationTimestamp") or now()
    started = datetime.strptime(created[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return human_duration(int((datetime.now(timezone.utc) - started).total_seconds()))


def human_duration(seconds: int) -> str:
    """kubectl's short age form: 45s, 5m3s, 95m, 4h10m, 30h, 3d4h, 200d, 2y10d."""
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 0:
        return "<invalid>"
    if seconds < 120:
        return f"{seconds}s"
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    return f"{days}d" if days < 730 else f"{days // 365}y{days % 365}d"
