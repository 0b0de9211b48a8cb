"""Certificates for the simulated ingress controller, as a public CA and ingress-nginx would have them.

`issue(objects, directory)` makes a "public" CA (the one the outside machine trusts, like a browser
trusts Let's Encrypt), fills every kubernetes.io/tls Secret annotated `sim.netdebug.io/cert: NAMES`
with a key and a certificate for those names signed by it (`sim.netdebug.io/cert-expired: "true"`:
one that expired 20 days ago), and writes the controller's self-signed default certificate
"Kubernetes Ingress Controller Fake Certificate" (what ingress-nginx serves when it has none).
"""
import base64
import datetime
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .scenario import annotation, csv

FAKE_CN = "Kubernetes Ingress Controller Fake Certificate"


@dataclass(frozen=True)
class IngressCerts:
    ca: str  # the public CA's certificate (PEM file)
    fake_cert: str
    fake_key: str


def issue(objects: list[dict], directory: str) -> IngressCerts:
    os.makedirs(directory, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("netdebug sim public CA", "netdebug sim")
    ca = _sign(_builder(ca_name, ca_name, ca_key.public_key(), 0).add_extension(
        x509.BasicConstraints(ca=True, path_length=0), critical=True), ca_key)
    for secret in (o for o in objects if o["kind"] == "Secret" and annotation(o, "cert")):
        key = ec.generate_private_key(ec.SECP256R1())
        names = csv(annotation(secret, "cert"))
        shift = -30 if annotation(secret, "cert-expired") == "true" else 0
        cert = _sign(_leaf(_name(names[0]), ca_name, key.public_key(), names, shift), ca_key)
        secret["data"] = {"tls.crt": _b64(_pem(cert)), "tls.key": _b64(_key_pem(key))}
    fake_key = ec.generate_private_key(ec.SECP256R1())
    fake_name = _name(FAKE_CN, "Acme Co")
    fake = _sign(_leaf(fake_name, fake_name, fake_key.public_key(), ["ingress.local"], 0), fake_key)
    paths = IngressCerts(*(os.path.join(directory, n) for n in ("public-ca.crt", "fake.crt", "fake.key")))
    for path, data in ((paths.ca, _pem(ca)), (paths.fake_cert, _pem(fake)), (paths.fake_key, _key_pem(fake_key))):
        with open(path, "wb") as stream:
            stream.write(data)
    return paths


def _leaf(subject, issuer, public_key, names: list[str], shift_days: int) -> x509.CertificateBuilder:
    return _builder(subject, issuer, public_key, shift_days).add_extension(
        x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)] if organization else []
    return x509.Name(parts + [x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject, issuer, public_key, shift_days: int) -> x509.CertificateBuilder:
    """Valid for 10 days from 5 minutes ago, moved by shift_days (-30: expired 20 days ago)."""
    start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=shift_days, minutes=-5)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=10)))


def _sign(builder: x509.CertificateBuilder, key) -> x509.Certificate:
    return builder.sign(key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
