"""ProbeFacts: what the probe concluders know about the probed object beside the results (pure data).

svcdebug fills it from the Service (diagnose/svc_probe_facts.py), netpath from its walked path.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProbeFacts:
    subject: str  # "Service shop/web"
    namespace: str  # the Service's namespace
    cluster_ips: frozenset = frozenset()
    endpoint_pods: dict = field(default_factory=dict)  # endpoint IP -> pod ref
    ready_ips: frozenset = frozenset()  # the endpoints the Service sends traffic to
    backends: frozenset = frozenset()  # pod refs of the backends (hairpin clients)
    # (client ref, IP, port) -> allowed, or the PolicyCheck that decided it (missing: unknown)
    policy: dict = field(default_factory=dict)
    # (client ref, Service port) -> the shared engine's checks (.backend, .allowed, .denied_by, .policies) of
    # that client reaching each ready endpoint (a backend: itself included): where its ClusterIP probe may go
    clusterip_policy: dict = field(default_factory=dict)
    dns_names: dict = field(default_factory=dict)  # name -> "short"|"namespace"|"fqdn"|"cluster-dns"|"external-name"
    listening: dict = field(default_factory=dict)  # pod ref -> [{"address","port","protocol"}]
    cluster_dns: dict = field(default_factory=dict)  # evidence about kube-dns (pods ready, endpoints)
    external_name: str | None = None  # an ExternalName Service's target: its names resolve only through it
    headless: bool = False  # a headless name has no address while no endpoint is ready
    client_roles: dict = field(default_factory=dict)  # client pod ref -> "--from" | "namespace pod" | "backend"
    # (Service port, protocol) -> {endpoint IP: the port that endpoint serves it on}; empty: one port (netpath)
    target_ports: dict = field(default_factory=dict)

    def allowed(self, client: str, ip: str, port) -> bool | None:
        """What NetworkPolicy says of this direct path: True, False, or None when unknown."""
        decided = self.policy.get((client, ip, port))
        return getattr(decided, "allowed", decided)

    def endpoint_ports(self, service_port, protocol: str) -> dict:
        """{endpoint IP: port} the Service port is served on (every endpoint, any port, when not known)."""
        if (service_port, protocol) in self.target_ports:
            return self.target_ports[(service_port, protocol)]
        return {ip: None for ip in self.endpoint_pods}
