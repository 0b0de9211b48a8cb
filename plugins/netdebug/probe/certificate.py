"""The certificate a TLS server presents for a name, read from a real handshake, and whether this
machine trusts it for that name (a second handshake as a browser makes it)."""
import os
import socket
import ssl
import tempfile


def certificate(address: str, port: int, host: str, timeout: float) -> dict:
    """The certificate served for SNI `host`, and this machine's verdict on it (trusted for host?)."""
    with socket.create_connection((address, port), timeout=timeout) as raw, \
            unverified().wrap_socket(raw, server_hostname=sni(host)) as conn:
        der = conn.getpeercert(binary_form=True)
    described = decode(der) if der else {}
    described["verify"] = _verify((address, port), host, timeout)
    return described


def _verify(peer: tuple, host: str, timeout: float) -> dict:
    """A second handshake as a browser makes it: the default trust store, hostname checked."""
    context = ssl.create_default_context()
    try:
        with socket.create_connection(peer, timeout=timeout) as conn, context.wrap_socket(conn, server_hostname=host):
            return {"ok": True}
    except ssl.SSLCertVerificationError as err:
        return {"ok": False, "code": err.verify_code, "message": err.verify_message}
    except (OSError, ssl.SSLError) as err:
        return {"ok": False, "code": None, "message": str(err)}


def decode(der: bytes) -> dict:
    """Subject, issuer, names and validity of a DER certificate.

    The standard library has no public DER decoder (and `cryptography` is not a runtime dependency):
    CPython's own test helper decodes a PEM file into the getpeercert() shape."""
    decoder = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decoder is None:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as stream:
        stream.write(ssl.DER_cert_to_PEM_cert(der))
    try:
        info = decoder(stream.name)
    except (ssl.SSLError, ValueError):
        return {}
    finally:
        os.unlink(stream.name)
    return {"subject": _name(info.get("subject")), "issuer": _name(info.get("issuer")),
            "dnsNames": [v for k, v in info.get("subjectAltName") or () if k == "DNS"],
            "notBefore": info.get("notBefore"), "notAfter": info.get("notAfter")}


def _name(rdns) -> dict:
    return {key: value for rdn in rdns or () for key, value in rdn}


def unverified() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def sni(host: str) -> str | None:
    """SNI carries names only, never IP addresses (RFC 6066)."""
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        return None
    except OSError:
        return host
