"""Accessors for Kubernetes objects kept as plain dicts (decoded JSON or YAML)."""
import ipaddress


def meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def name(obj: dict) -> str:
    return meta(obj).get("name", "")


def namespace(obj: dict) -> str:
    return meta(obj).get("namespace", "")


def labels(obj: dict) -> dict:
    return meta(obj).get("labels") or {}


def annotations(obj: dict) -> dict:
    return meta(obj).get("annotations") or {}


def ref(obj: dict) -> str:
    """`namespace/name`, or just `name` for cluster-scoped objects."""
    ns = namespace(obj)
    return f"{ns}/{name(obj)}" if ns else name(obj)


def spec(obj: dict) -> dict:
    return obj.get("spec") or {}


def status(obj: dict) -> dict:
    return obj.get("status") or {}


def pod_ips(pod: dict) -> list[str]:
    st = status(pod)
    ips = [entry["ip"] for entry in st.get("podIPs") or [] if isinstance(entry, dict) and entry.get("ip")]
    if not ips and st.get("podIP"):
        ips = [st["podIP"]]
    return ips


def pod_containers(pod: dict) -> list[dict]:
    return spec(pod).get("containers") or []


def host_network(pod: dict) -> bool:
    return bool(spec(pod).get("hostNetwork"))


def condition(obj: dict, kind: str) -> dict | None:
    for cond in status(obj).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def pod_ready(pod: dict) -> bool:
    cond = condition(pod, "Ready")
    return bool(cond) and cond.get("status") == "True"


def owner(obj: dict) -> dict | None:
    """The controlling owner reference, if any."""
    for ownerref in meta(obj).get("ownerReferences") or []:
        if ownerref.get("controller", True):
            return ownerref
    return None


def is_ip(text: str) -> bool:
    """True for an IPv4 or IPv6 address (not a CIDR, not a name)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
