"""Real-cluster shapes: what the API server hands out, with the fields real clusters often leave empty.

The simulator's controllers fill every field; real clusters do not: a Node's podCIDR is empty under
EKS VPC CNI, Calico IPAM or Cilium cluster-pool; EndpointSlice conditions serving/terminating are nil
on slices some controllers write (the API server's own `kubernetes` slice), as are an endpoint's
nodeName and targetRef; AWS load balancers publish a hostname and no IP; older kubelets set no
hostIPs. With the scenario setting `shapes: real-cluster` the API server serves objects without
them. Only what is served changes: the data plane keeps its addresses.
"""
import copy
import hashlib


def served_form(obj: dict) -> dict:
    change = CHANGES.get(obj["kind"])
    if change is None:
        return obj
    obj = copy.deepcopy(obj)
    change(obj)
    return obj


def _node(node: dict) -> None:
    spec = node.get("spec") or {}
    spec.pop("podCIDR", None)
    spec.pop("podCIDRs", None)


def _endpoint_slice(endpoint_slice: dict) -> None:
    for endpoint in endpoint_slice.get("endpoints") or []:
        conditions = endpoint.get("conditions") or {}
        conditions.pop("serving", None)
        conditions.pop("terminating", None)
        endpoint.pop("nodeName", None)
        endpoint.pop("targetRef", None)


def _service(service: dict) -> None:
    """A LoadBalancer's address becomes a hostname only, as AWS publishes it."""
    for entry in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        address = entry.pop("ip", None)
        if address and not entry.get("hostname"):
            digest = hashlib.sha256(f"{service['metadata'].get('namespace')}/{address}".encode()).hexdigest()[:16]
            entry["hostname"] = f"a{digest}.elb.us-east-1.amazonaws.com"


def _pod(pod: dict) -> None:
    (pod.get("status") or {}).pop("hostIPs", None)


CHANGES = {"Node": _node, "EndpointSlice": _endpoint_slice, "Service": _service, "Pod": _pod}
