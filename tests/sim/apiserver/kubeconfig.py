"""The kubeconfig that points kubectl and the Python client at the simulator."""
import base64
from pathlib import Path

import yaml

CLUSTER = "sim"
CONTEXTS = {"sim": "admin", "sim-limited": "limited"}


def write(path: Path, url: str, ca: Path, tokens: dict[str, str]) -> Path:
    config = {
        "apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": "sim",
        "clusters": [{"name": CLUSTER, "cluster": {
            "server": url, "certificate-authority-data": base64.b64encode(ca.read_bytes()).decode()}}],
        "users": [{"name": user, "user": {"token": tokens[user]}} for user in CONTEXTS.values()],
        "contexts": [{"name": name, "context": {"cluster": CLUSTER, "user": user, "namespace": "default"}}
                     for name, user in CONTEXTS.items()],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)
    return path
