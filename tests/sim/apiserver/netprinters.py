"""Table columns for the networking kinds and ConfigMaps, as kubectl prints them."""
from .cells import age, name

SHOWN_ENDPOINTS = 3


def _selector(selector: dict) -> str:
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        values = ",".join(expr.get("values") or [])
        parts.append({"In": f"{expr['key']} in ({values})", "NotIn": f"{expr['key']} notin ({values})",
                      "Exists": expr["key"], "DoesNotExist": f"!{expr['key']}"}.get(expr["operator"], ""))
    return ",".join(parts) or "<none>"


def _shorten(addresses: list[str]) -> str:
    if not addresses:
        return "<none>"
    shown = ",".join(addresses[:SHOWN_ENDPOINTS])
    extra = len(addresses) - SHOWN_ENDPOINTS
    return f"{shown} + {extra} more..." if extra > 0 else shown


def _endpoints_cells(endpoints: dict) -> list:
    addresses = [f"{a['ip']}:{p['port']}" for s in endpoints.get("subsets") or []
                 for p in s.get("ports") or [{"port": ""}] for a in s.get("addresses") or []]
    return [name(endpoints), _shorten(addresses), age(endpoints)]


def _slice_cells(endpoint_slice: dict) -> list:
    ports = ",".join(str(p.get("port")) for p in endpoint_slice.get("ports") or [] if p.get("port"))
    addresses = [a for e in endpoint_slice.get("endpoints") or [] for a in e.get("addresses") or []]
    return [name(endpoint_slice), endpoint_slice.get("addressType", ""), ports or "<unset>",
            _shorten(addresses), age(endpoint_slice)]


def _policy_cells(policy: dict) -> list:
    return [name(policy), _selector(policy.get("spec", {}).get("podSelector") or {}), age(policy)]


def _ingress_cells(ingress: dict) -> list:
    spec = ingress.get("spec", {})
    hosts = ",".join(r["host"] for r in spec.get("rules") or [] if r.get("host")) or "*"
    balancer = ingress.get("status", {}).get("loadBalancer", {}).get("ingress") or []
    address = ",".join(i.get("ip") or i.get("hostname") or "" for i in balancer)
    return [name(ingress), spec.get("ingressClassName") or "<none>", hosts, address,
            "80, 443" if spec.get("tls") else "80", age(ingress)]


def _class_cells(ingress_class: dict) -> list:
    parameters = ingress_class.get("spec", {}).get("parameters")
    shown = f"{parameters.get('kind')}/{parameters.get('name')}" if parameters else "<none>"
    return [name(ingress_class), ingress_class.get("spec", {}).get("controller", ""), shown, age(ingress_class)]


def _configmap_cells(configmap: dict) -> list:
    return [name(configmap), len(configmap.get("data") or {}) + len(configmap.get("binaryData") or {}),
            age(configmap)]


def _columns(*names: str) -> tuple:
    return tuple((n, "string", "name" if n == "Name" else "", 0) for n in names)


NETWORK_COLUMNS = {
    "Endpoints": (_columns("Name", "Endpoints", "Age"), _endpoints_cells),
    "EndpointSlice": (_columns("Name", "AddressType", "Ports", "Endpoints", "Age"), _slice_cells),
    "NetworkPolicy": (_columns("Name", "Pod-Selector", "Age"), _policy_cells),
    "Ingress": (_columns("Name", "Class", "Hosts", "Address", "Ports", "Age"), _ingress_cells),
    "IngressClass": (_columns("Name", "Controller", "Parameters", "Age"), _class_cells),
    "ConfigMap": (_columns("Name", "Data", "Age"), _configmap_cells),
}
