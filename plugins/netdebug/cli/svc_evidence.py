"""Evidence svcdebug reads from the cluster beside the probes: backend logs and the cluster DNS."""
from concurrent.futures import ThreadPoolExecutor

from ..diagnose import logscan
from ..model.kinds import SIDECARS
from ..model import objects
from ..model.objects import pod_ready

LOG_PODS = 5  # backends whose logs are scanned (not-ready ones first)
LOG_LINES = 50


def cluster_dns_facts(cluster) -> dict:
    """Evidence for dns-down: the kube-dns Service, its endpoints and the CoreDNS pods."""
    service = cluster.get("Service", "kube-system", "kube-dns")
    slices = cluster.list("EndpointSlice", "kube-system", label_selector="kubernetes.io/service-name=kube-dns")
    pods = cluster.list("Pod", "kube-system", label_selector="k8s-app=kube-dns")
    ready = sum(1 for s in slices for e in s.get("endpoints") or []
                if (e.get("conditions") or {}).get("ready") is not False)
    return {"kube-dns Service": "present" if service else "missing",
            "kube-dns ready endpoints": ready,
            "CoreDNS pods": [f"{objects.ref(p)} {'ready' if pod_ready(p) else 'not ready'}" for p in pods]
            or ["<none>"]}


def scan_backend_logs(cluster, subject: str, backends: list[dict]) -> list:
    """Read the recent logs of a few backends (not-ready ones first); diagnose.logscan judges them."""
    pods = sorted(backends, key=pod_ready)[:LOG_PODS]
    targets = [(p, c.get("name")) for p in pods for c in objects.pod_containers(p) if c.get("name") not in SIDECARS]
    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        texts = list(pool.map(lambda t: cluster.logs(objects.namespace(t[0]), objects.name(t[0]), t[1], LOG_LINES),
                              targets))
    return logscan.log_findings(subject, {f"{objects.ref(p)}/{c}": text for (p, c), text in zip(targets, texts)})
