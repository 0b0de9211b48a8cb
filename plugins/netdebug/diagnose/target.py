"""What the user typed as SRC and DST, parsed into a Target (pure: no snapshot, no API).

SRC: a pod or workload reference (`pod`, `ns/pod`, `deploy/name`, `ns/sts/name`...) or `external`.
DST: the same references, `svc/name[:port]`, a DNS name (`name`, `name.ns`, FQDN, outside host,
optionally `:port`), an IP (`10.0.0.5`, `10.0.0.5:80`, `[fd00::1]:80`) or a URL
(`http://host:port/path`). A bare name is a pod reference *or* a DNS name: the caller decides
once it knows whether such a pod exists (`Target.maybe_pod`).
"""
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import objects
from ..model.refs import KIND_ALIASES, POD_KINDS, parse_port, parse_ref, split_port

SERVICE_PREFIXES = tuple(alias for alias, kind in KIND_ALIASES.items() if kind == "Service")
URL_SCHEMES = {"http": 80, "https": 443}
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    raw: str
    form: str  # "external" | "workload" (pod or workload ref) | "service" | "dns" | "ip"
    name: str = ""  # service name, DNS name, IP, or the workload reference as typed
    namespace: str | None = None  # only when the user named one (svc refs)
    port: int | str | None = None  # from `:port` or the URL
    path: str | None = None  # URL path (with query) when a URL was given
    scheme: str | None = None  # "http"/"https" for URLs
    maybe_pod: bool = False  # a bare name: a pod if one exists, else a DNS name

    @property
    def is_url(self) -> bool:
        return self.scheme is not None


def parse_source(text: str) -> Target:
    text = _clean(text, "SRC")
    if text.lower() == "external":
        return Target(raw=text, form="external")
    if objects.is_ip(text) or "://" in text or ":" in text:
        raise InputError(f"SRC {text!r}: expected a pod, ns/pod, a workload (deploy/name) or 'external'")
    parse_ref(text, POD_KINDS, "SRC")  # bad references fail here, before the cluster is asked
    return Target(raw=text, form="workload", name=text)


def parse_destination(text: str) -> Target:
    text = _clean(text, "DST")
    if "://" in text:
        return _parse_url(text)
    parts = text.split("/")
    if parts[0].lower() in SERVICE_PREFIXES or (len(parts) == 3 and parts[1].lower() in SERVICE_PREFIXES):
        return _parse_service(text)
    if "/" in text:
        parse_ref(text, POD_KINDS, "DST")
        return Target(raw=text, form="workload", name=text)
    ip_target = _parse_ip(text)
    if ip_target:
        return ip_target
    host, port = split_port(text, "DST", text)
    _check_dns_name(host, text)
    return Target(raw=text, form="dns", name=host.rstrip("."), port=port, maybe_pod="." not in host)


def _clean(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError(f"{what} is empty")
    return text


def _parse_service(text: str) -> Target:
    """svc/NAME[:PORT] or NS/svc/NAME[:PORT] (also svc/NS/NAME): the one reference parser, then the port."""
    if text.endswith("/"):
        raise InputError(f"DST {text!r}: expected svc/name[:port] or ns/svc/name[:port]")
    reference, port = split_port(text, "DST", text)
    ref = parse_ref(reference, ("Service",), "DST")
    return Target(raw=text, form="service", name=ref.name, namespace=ref.namespace, port=port)


def _parse_url(text: str) -> Target:
    try:
        url = urlsplit(text)
        port = url.port
    except ValueError as err:
        raise InputError(f"DST {text!r}: invalid URL: {err}") from None
    scheme = url.scheme.lower()
    if scheme not in URL_SCHEMES or not url.hostname:
        raise InputError(f"DST {text!r}: only http:// and https:// URLs with a host are supported")
    path = url.path or "/"
    path += f"?{url.query}" if url.query else ""
    host = url.hostname
    form = "ip" if objects.is_ip(host) else "dns"
    if form == "dns":
        _check_dns_name(host, text)
    return Target(raw=text, form=form, name=host.rstrip("."), port=port or URL_SCHEMES[scheme], path=path, scheme=scheme)


def _parse_ip(text: str) -> Target | None:
    if objects.is_ip(text):
        return Target(raw=text, form="ip", name=str(ipaddress.ip_address(text)))
    match = re.match(r"^\[([0-9a-fA-F:.]+)\]:([0-9]+)$", text) or re.match(r"^([0-9.]+):([0-9]+)$", text)
    if match and objects.is_ip(match.group(1)):
        return Target(raw=text, form="ip", name=match.group(1), port=parse_port(match.group(2), f"DST {text!r}: port"))
    return None


def _check_dns_name(name: str, raw: str) -> None:
    labels = name.rstrip(".").split(".")
    if len(name) > 253 or not all(_DNS_LABEL.match(label) and len(label) <= 63 for label in labels):
        raise InputError(f"DST {raw!r}: {name!r} is not a valid DNS name, pod, Service, IP or URL")
