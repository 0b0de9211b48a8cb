"""Every finding code the plugins emit: its stable slug, a one-line title, and where it comes from.

The slug is the contract shared by JSON output, tests and docs/findings.md (one `### slug`
heading per code there). A test fails when code emits a slug that is missing here or in the docs.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    code: str
    area: str  # service, dns, path, policy, probe, lint, ingress, external, mesh, quality, capture
    title: str

    @property
    def doc_anchor(self) -> str:
        return f"docs/findings.md#{self.code}"


_CODES = [
    # Service definition and endpoints (svcdebug; netpath's service hop)
    ("service-not-found", "service", "the Service does not exist in that namespace"),
    ("selector-no-match", "service", "the Service selector matches no pod"),
    ("selectorless-no-endpoints", "service", "a Service without selector has no manual endpoints"),
    ("no-endpoints", "service", "the Service has no endpoints"),
    ("endpoints-not-ready", "service", "some or all endpoints are not ready"),
    ("target-port-not-exposed", "service", "no container declares the targetPort"),
    ("named-port-unresolved", "service", "a named targetPort is not a port name of the backends"),
    ("port-protocol-mismatch", "service", "the Service port protocol differs from the container's"),
    ("target-port-string-number", "service", "targetPort is a number written as a string"),
    ("lb-pending", "service", "the LoadBalancer has no external address yet"),
    ("etp-local-no-endpoints", "service", "externalTrafficPolicy Local with nodes lacking a local endpoint"),
    ("itp-local-no-endpoint", "service", "internalTrafficPolicy Local and no ready endpoint on the client's node"),
    ("nodeport-facts", "service", "where a NodePort Service answers"),
    ("externalname-unresolvable", "service", "an ExternalName Service points at a name that does not resolve"),
    ("headless-service", "service", "a headless Service: DNS returns pod IPs, no ClusterIP"),
    ("statefulset-service-not-headless", "service", "a StatefulSet's serviceName is not a headless Service"),
    ("service-not-exposed", "external", "the Service is not reachable from outside the cluster"),
    # Ingress and external names
    ("ingress-backend-port-missing", "ingress", "an Ingress backend names a Service port that does not exist"),
    ("ingress-backend-missing", "ingress", "an Ingress rule's backend Service does not exist"),
    ("ingress-class-missing", "ingress", "the Ingress names an IngressClass that does not exist"),
    ("ingress-tls-secret-missing", "ingress", "the TLS Secret named by an Ingress does not exist"),
    ("ingress-no-address", "ingress", "the Ingress has no address published"),
    ("externaldns-no-target", "ingress", "an ExternalDNS hostname has no address to point at"),
    ("ingress-no-rule-for-host", "ingress", "the host reaches an ingress controller, but no Ingress rule serves it (default backend 404)"),
    ("ingress-no-tls-for-host", "ingress", "https to a host the Ingress has no TLS section for (default certificate)"),
    # Seen from outside (netpath external: DNS, TCP, TLS, HTTP from this machine)
    ("external-dns-missing", "external", "the host does not resolve from outside: its DNS record is missing"),
    ("external-dns-stale", "external", "the host resolves to addresses the cluster no longer serves it at"),
    ("external-dns-cached", "external", "the authoritative answer is right, this machine's resolver still has an old one"),
    ("external-dns-failed", "external", "resolving the host from outside failed (timeout, server failure)"),
    ("lb-unreachable", "external", "the load-balancer (or Ingress) address does not answer from outside"),
    ("lb-intermittent", "external", "some connections to the load-balancer address fail (eTP Local: health check)"),
    ("nodeport-filtered", "external", "the node port does not answer on some or all nodes from outside"),
    ("tls-default-certificate", "external", "https is answered with the ingress controller's default (fake) certificate"),
    ("tls-expired", "external", "the certificate served for the host has expired"),
    ("tls-name-mismatch", "external", "the certificate served is not for the host"),
    ("tls-untrusted", "external", "the certificate served is not trusted by this machine"),
    ("http-failed", "external", "the HTTP(S) request from outside got no HTTP answer"),
    ("http-not-found", "external", "HTTP 404 from the application for this path (the way in works)"),
    ("http-client-error", "external", "HTTP 4xx from the application (the way in works)"),
    ("backend-http-error", "external", "HTTP 5xx from the application behind the way in"),
    ("ingress-backend-failing", "external", "HTTP 502/504: the controller could not get an answer from the backend"),
    ("http-503-no-endpoints", "external", "HTTP 503 from outside, as expected without ready endpoints"),
    ("mesh-sidecar", "mesh", "the pods carry a service-mesh sidecar"),
    ("mesh-mtls-required", "mesh", "the destination accepts only mesh mutual TLS and SRC is outside that mesh"),
    ("mesh-sidecar-not-ready", "mesh", "the destination's service-mesh sidecar is not ready"),
    ("mesh-authz-denied", "mesh", "the mesh's authorization policy denies this client after the TCP handshake"),
    ("mesh-authz-allowed", "mesh", "an authorization allow list is in force and admits this client"),
    ("mesh-authz-unknown", "mesh", "whether the mesh admits this client depends on what netdebug cannot evaluate"),
    # DNS
    ("dns-down", "dns", "cluster DNS does not answer at all"),
    ("dns-service-unresolved", "dns", "the Service name does not resolve although DNS works"),
    ("dns-short-name-other-namespace", "dns", "a short name is used for a Service in another namespace"),
    ("dns-short-name-unresolved", "dns", "the short name does not resolve, the qualified one does"),
    ("dns-name-not-found", "dns", "the name has no DNS record in the cluster"),
    ("dns-no-addresses", "dns", "the name resolves to no address"),
    ("dns-policy-no-cluster-dns", "dns", "the pod's dnsPolicy does not use the cluster DNS"),
    ("dns-ndots-cost", "dns", "an outside name costs several lookups because of ndots:5"),
    # Path and policy
    ("source-not-running", "path", "the source pod is not running"),
    ("destination-not-ready", "path", "the destination pod is not ready"),
    ("port-not-declared", "path", "no container of the destination declares the port"),
    ("policy-denied", "policy", "a NetworkPolicy (or admin policy) denies the traffic"),
    ("policy-blocks-dns", "policy", "egress policy blocks DNS (UDP/TCP 53) from the source"),
    ("policy-blocks-ingress", "policy", "ingress policy on the backends denies the clients"),
    ("policy-blocks-egress", "policy", "egress policy on the clients denies the backends"),
    # Observed by probes
    ("not-listening", "probe", "the endpoint refuses connections on the target port"),
    ("listening-loopback-only", "probe", "the app listens on the port only on loopback (127.0.0.1 / ::1)"),
    ("service-unreachable", "probe", "every probe from the Service's client pods failed"),
    ("dropped-unexplained", "probe", "packets are dropped and no policy explains it"),
    ("policy-not-enforced", "probe", "policy denies, but the connection succeeded: the CNI does not enforce it"),
    ("clusterip-path-broken", "probe", "the pods answer directly, the ClusterIP does not"),
    ("hairpin-broken", "probe", "a backend cannot reach itself through its own Service"),
    ("own-service-denied", "probe", "policy denies a backend some endpoints of its own Service (context, not hairpin)"),
    ("udp-unverified", "probe", "UDP silence proves nothing either way"),
    ("backend-log-network-errors", "probe", "backend logs show network errors"),
    ("probe-no-tool", "probe", "the probing container has no tool to probe with"),
    ("probe-failed", "probe", "a probe could not be run"),
    # netpolicy lint
    ("invalid-policy", "lint", "the policy is invalid"),
    ("policy-selects-no-pods", "lint", "the policy's podSelector selects no pod"),
    ("ingress-rules-without-ingress-type", "lint", "ingress rules, but policyTypes lacks Ingress"),
    ("egress-rules-without-egress-type", "lint", "egress rules, but policyTypes lacks Egress"),
    ("and-or-mistake", "lint", "a peer that reads like AND but means OR (or the reverse)"),
    ("peer-selector-matches-nothing", "lint", "a peer selector matches no pod or namespace"),
    ("ipblock-covers-pod-ips", "lint", "an ipBlock covers pod IPs (usually meant for outside addresses)"),
    ("pod-unprotected", "lint", "a workload no policy isolates"),
    ("named-port-undefined", "lint", "a policy port name no selected container defines"),
    ("egress-blocks-dns", "lint", "an egress policy leaves no way to DNS"),
    ("duplicate-policy", "lint", "two policies are identical"),
    ("redundant-policy", "lint", "a policy adds nothing to the others"),
    # Packet capture (netpath --capture): where the probes' packets died, from tcpdump at both ends
    ("capture-answered", "capture", "the packets show the destination answered and the answer came back"),
    ("capture-refused", "capture", "the destination pod itself answered RST / port unreachable"),
    ("capture-no-answer", "capture", "the packets arrived at the destination pod, which never answered"),
    ("capture-reply-lost", "capture", "the destination answered; the answer never reached the source"),
    ("capture-dropped-in-transit", "capture", "the packets left the source and never arrived at the destination"),
    ("capture-never-left", "capture", "the source capture never saw the packets leave"),
    ("capture-rejected-in-path", "capture", "something between the pods answered RST / unreachable"),
    ("capture-unanswered", "capture", "the packets left the source, no answer (no capture at the destination)"),
    ("capture-dns-unanswered", "capture", "DNS queries left the source and none was answered"),
    ("capture-dnat-unexpected", "capture", "the Service address was translated to an address that is no endpoint"),
    # Path quality (netpath --count)
    ("path-lossy", "quality", "repeated probes lose packets on this path"),
    ("path-slow", "quality", "round trips on this path are far slower than inside a cluster"),
    ("mtu-black-hole", "quality", "packets below the interface MTU vanish without ICMP fragmentation needed"),
    ("path-mtu-reduced", "quality", "the path MTU is below the interface MTU, and ICMP says so (PMTU works)"),
    ("node-fabric-broken", "quality", "pods on one node cannot reach (or lose packets to) pods on another; same-node works"),
    ("destination-pod-local", "quality", "other pods on the destination's node answer: the problem is the destination pod"),
    ("source-pod-network", "quality", "the source cannot reach a pod on its own node either: the problem is the source"),
    ("dns-slow", "quality", "DNS lookups of this name are slow (each search-list query counted)"),
]

CATALOGUE: dict[str, CodeInfo] = {code: CodeInfo(code, area, title) for code, area, title in _CODES}


def info(code: str) -> CodeInfo:
    """The catalogue entry; KeyError names the code when it is not catalogued."""
    return CATALOGUE[code]
