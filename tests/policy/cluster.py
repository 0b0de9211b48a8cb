"""Small builders for policy tests: namespaces, pods and policies as plain API dicts."""
from netdebug.model.snapshot import Snapshot

PORTS = (80, 81)
PROTOCOLS = ("TCP", "UDP", "SCTP")


def namespace(name: str, labels: dict | None = None) -> dict:
    return {"kind": "Namespace", "metadata": {"name": name, "labels": {
        "kubernetes.io/metadata.name": name, **(labels or {})}}}


def pod(ns: str, name: str, labels: dict | None = None, ip: str | None = None, ports=(),
        host_network: bool = False, ips: list | None = None) -> dict:
    """ports: (name, number, protocol) triples of container ports."""
    container = {"name": "main", "ports": [{"name": n, "containerPort": p, "protocol": proto} for n, p, proto in ports]}
    status = {"podIP": ip} if ip else {}
    if ips:
        status = {"podIP": ips[0], "podIPs": [{"ip": i} for i in ips]}
    spec = {"containers": [container], **({"hostNetwork": True} if host_network else {})}
    return {"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
            "spec": spec, "status": status}


def policy(ns: str, name: str, spec: dict) -> dict:
    return {"kind": "NetworkPolicy", "apiVersion": "networking.k8s.io/v1",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def snapshot(*objs) -> Snapshot:
    snap = Snapshot(origin="files")
    for obj in objs:
        snap.add(obj)
    return snap


def e2e_model(namespaces=("x", "y", "z"), pods=("a", "b", "c")) -> list[dict]:
    """The upstream e2e model: namespaces x/y/z labelled ns=<name>, pods a/b/c labelled pod=<name>,
    each serving ports 80 and 81 on TCP, UDP and SCTP, named serve-<port>-<proto>."""
    ports = [(f"serve-{p}-{proto.lower()}", p, proto) for p in PORTS for proto in PROTOCOLS]
    found = []
    for i, ns in enumerate(namespaces):
        found.append(namespace(ns, {"ns": ns}))
        for j, name in enumerate(pods):
            found.append(pod(ns, name, {"pod": name}, ip=f"192.168.{i + 1}.{j + 10}", ports=ports))
    return found
