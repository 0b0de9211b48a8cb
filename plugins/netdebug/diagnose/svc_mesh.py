"""svcdebug's mesh checks: mutual TLS and authorization for its clients (--from, or the ingress controllers
routing here) on every Service port, at the port each backend serves it on. Pure."""
from ..model import objects
from ..model.findings import Finding
from .mesh_authz import mesh_client, mesh_findings
from .service_ports import resolve_target_port


def service_mesh_findings(snapshot, clients: list[dict], service_ports: list[dict], backends: list[dict]) -> list[Finding]:
    """svcdebug: the same checks for every client and Service port, on the port each backend serves it at;
    clients alike (the replicas of an ingress controller) give one finding per decision."""
    found, said = [], set()
    for client in clients:
        for port in service_ports:
            targets = {objects.ref(p): resolve_target_port(port, p) for p in backends}
            for finding in mesh_findings(snapshot, client, backends, targets):
                key = (finding.code, finding.subject, finding.evidence.get("port"), _identity_key(snapshot, client))
                if key not in said:
                    said.add(key)
                    found.append(finding)
    return found


def _identity_key(snapshot, pod: dict) -> tuple:
    client = mesh_client(snapshot, pod)
    return client.mesh, client.namespace, client.service_account
