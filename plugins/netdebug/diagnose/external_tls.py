"""The certificate an outside client is served: the ingress controller's default one, expired, for
another name, or not trusted by this machine. Pure."""
from ..model.findings import Finding

FAKE_CERT = "Kubernetes Ingress Controller Fake Certificate"
EXPIRED, HOSTNAME_MISMATCH = 10, 62  # OpenSSL verify codes


def certificate_findings(cert: dict, host: str, subject: str) -> list[Finding]:
    verify = cert.get("verify") or {}
    facts = cert_facts(cert)
    evidence = {"host": host, "certificate": facts, "this machine": verify.get("message") or "trusted"}
    if (cert.get("subject") or {}).get("commonName") == FAKE_CERT:
        return [Finding("tls-default-certificate", "error", f"https for {host} is answered with the ingress "
                        f"controller's default certificate ({FAKE_CERT}): it has no certificate for this host",
                        evidence, "give the Ingress a spec.tls entry for the host with an existing, valid "
                        "kubernetes.io/tls Secret (cert-manager: check the Certificate's status)", subject)]
    if verify.get("ok"):
        return []
    if verify.get("code") == EXPIRED:
        return [Finding("tls-expired", "error", f"the certificate served for {host} expired "
                        f"({cert.get('notAfter', '?')})", evidence, "renew it (cert-manager: kubectl describe "
                        "certificate; check the issuer) and update the TLS Secret", subject)]
    if verify.get("code") == HOSTNAME_MISMATCH:
        return [Finding("tls-name-mismatch", "error", f"the certificate served for {host} is for "
                        f"{', '.join(facts['names']) or '?'}, not {host}", evidence,
                        "put a certificate for this host in the Ingress's TLS Secret (or fix spec.tls hosts)", subject)]
    return [Finding("tls-untrusted", "error", f"this machine does not trust the certificate served for {host}: "
                    f"{verify.get('message') or 'verification failed'}", evidence,
                    "use a certificate from a CA clients trust, with its full chain in tls.crt", subject)]


def cert_facts(cert: dict) -> dict:
    subject, issuer = cert.get("subject") or {}, cert.get("issuer") or {}
    return {"subject": subject.get("commonName", "?"), "issuer": issuer.get("commonName", "?"),
            "names": cert.get("dnsNames") or [], "notAfter": cert.get("notAfter", "?"),
            "trusted": bool((cert.get("verify") or {}).get("ok"))}
