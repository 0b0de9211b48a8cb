"""What the simulated ingress controller serves (ingress_controller.py runs it): per controller pod,
its routes (host, path, ready endpoints of the backend Service port), the certificates of its TLS
hosts (Secrets holding a usable pair) and the hosts it redirects to https.

Controller pods are the pods behind an IngressClass's `sim.netdebug.io/publish-service` Service; they
serve the Ingresses of that class (and those without a class when it is the default).
"""
import base64
import binascii
import os
import ssl

from netdebug.model.selectors import matches

from .kubeproxy import service_ports
from .scenario import annotation

DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"


def attach(sockets: list[dict], objects: list[dict], certs, directory: str) -> None:
    """Add `ingress` (routes, certificates) to the listener entries of controller pods."""
    ports = service_ports(objects)
    for ingress_class in (o for o in objects if o["kind"] == "IngressClass" and annotation(o, "publish-service")):
        config = {"routes": _routes(objects, ingress_class, ports), "fake": [certs.fake_cert, certs.fake_key],
                  "certs": _certs(objects, ingress_class, directory), "redirect": _tls_hosts(objects, ingress_class)}
        pods = _controller_pods(objects, annotation(ingress_class, "publish-service"))
        for entry in sockets:
            if entry["pod"] in pods and entry["protocol"] == "TCP":
                entry["ingress"] = config


def _controller_pods(objects: list[dict], service_ref: str) -> set[str]:
    namespace, _, name = service_ref.partition("/")
    service = next((o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == name
                    and o["metadata"].get("namespace") == namespace), None)
    selector = {"matchLabels": ((service or {}).get("spec") or {}).get("selector") or {"": ""}}
    return {f"{namespace}/{p['metadata']['name']}" for p in objects if p["kind"] == "Pod"
            and p["metadata"].get("namespace") == namespace and matches(selector, p["metadata"].get("labels") or {})}


def _served(objects: list[dict], ingress_class: dict) -> list[dict]:
    name, default = ingress_class["metadata"]["name"], annotation_value(ingress_class, DEFAULT_CLASS) == "true"
    return [o for o in objects if o["kind"] == "Ingress" and
            ((o.get("spec") or {}).get("ingressClassName") == name or
             (default and not (o.get("spec") or {}).get("ingressClassName")))]


def annotation_value(obj: dict, key: str) -> str | None:
    return ((obj.get("metadata") or {}).get("annotations") or {}).get(key)


def _routes(objects: list[dict], ingress_class: dict, ports) -> list[dict]:
    routes = []
    for ingress in _served(objects, ingress_class):
        namespace = ingress["metadata"]["namespace"]
        for rule in (ingress.get("spec") or {}).get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                backend = (path.get("backend") or {}).get("service") or {}
                routes.append({"host": (rule.get("host") or "").lower(), "path": path.get("path") or "/",
                               "exact": path.get("pathType") == "Exact",
                               "backends": _endpoints(objects, ports, namespace, backend)})
    return sorted(routes, key=lambda r: (2 if not r["host"] else 1 if r["host"].startswith("*.") else 0,
                                         -len(r["path"])))  # exact host, then wildcard, then any host


def _endpoints(objects: list[dict], ports, namespace: str, backend: dict) -> list[list]:
    service = next((o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == backend.get("name")
                    and o["metadata"].get("namespace") == namespace), None)
    wanted = backend.get("port") or {}
    port = next((p for p in ((service or {}).get("spec") or {}).get("ports") or []
                 if p.get("port") == wanted.get("number") or (p.get("name") and p.get("name") == wanted.get("name"))),
                None)
    if port is None:
        return []
    ref = f"{namespace}/{backend['name']}:{port.get('name') or port['port']}"
    return [list(e) for sp in ports if sp.ref == ref and sp.protocol == "TCP" for e in sp.endpoints]


def _tls_hosts(objects: list[dict], ingress_class: dict) -> list[str]:
    return sorted({h.lower() for i in _served(objects, ingress_class) for t in (i.get("spec") or {}).get("tls") or []
                   for h in t.get("hosts") or []})


def _certs(objects: list[dict], ingress_class: dict, directory: str) -> dict:
    """host -> [cert file, key file] for TLS hosts whose Secret exists and holds a usable pair."""
    found = {}
    for ingress in _served(objects, ingress_class):
        namespace = ingress["metadata"]["namespace"]
        for tls in (ingress.get("spec") or {}).get("tls") or []:
            secret = next((o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == tls.get("secretName")
                           and o["metadata"].get("namespace") == namespace), None)
            pair = _write_pair(secret, directory) if secret else None
            found.update({h.lower(): pair for h in tls.get("hosts") or [] if pair})
    return found


def _write_pair(secret: dict, directory: str) -> list[str] | None:
    try:
        data = {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}
    except (binascii.Error, ValueError):
        return None
    base = os.path.join(directory, f"{secret['metadata']['namespace']}_{secret['metadata']['name']}")
    paths = [base + ".crt", base + ".key"]
    for path, key in zip(paths, ("tls.crt", "tls.key")):
        with open(path, "wb") as stream:
            stream.write(data.get(key, b""))
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(*paths)
    except (ssl.SSLError, OSError):
        return None  # not a usable certificate: the controller falls back to its default one
    return paths
