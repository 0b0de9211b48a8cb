"""The API server's rules for single values: names, label keys and values, ports, protocols, IPs, CIDRs.

Each rule takes a decoded value and returns why the API would reject it, or None when it is valid.
"""
import ipaddress
import re

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = re.compile(rf"^{_LABEL}\Z")
_DNS1123_SUBDOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})*\Z")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\Z")
_IPV4 = re.compile(r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\Z")
PROTOCOLS = ("TCP", "UDP", "SCTP")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def describe(value) -> str:
    """How a wrong value reads in a message: its type, and the value when short."""
    kind = {bool: "boolean", int: "number", float: "number", str: "string", dict: "object", list: "list"}.get(
        type(value), type(value).__name__)
    text = repr(value)
    return f"{kind} {text}" if len(text) <= 40 and kind not in ("object", "list") else kind


def string(value) -> str | None:
    return None if type(value) is str else not_a_string(value)


def not_a_string(value) -> str:
    hint = " (YAML reads it so when unquoted: quote it)" if type(value) in (bool, int, float) else ""
    return f"must be a string, not {describe(value)}{hint}"


def boolean(value) -> str | None:
    return None if type(value) is bool else f"must be true or false, not {describe(value)}"


def integer(value) -> str | None:
    return None if type(value) is int else f"must be an integer, not {describe(value)}"


def _in_range(value, low: int, high: int) -> str | None:
    if type(value) is not int:
        return f"must be an integer, not {describe(value)}"
    return None if low <= value <= high else f"{describe(value)} is not in {low}-{high}"


def port(value) -> str | None:
    return _in_range(value, 1, 65535)


def port_or_zero(value) -> str | None:
    """nodePort, hostPort: 0 means "not set"."""
    return _in_range(value, 0, 65535)


def port_name(value) -> str | None:
    """IANA_SVC_NAME: at most 15 lowercase letters, digits and single dashes, at least one letter."""
    if type(value) is not str:
        return f"must be a port name, not {describe(value)}"
    if len(value) > 15 or not _IANA_SVC_NAME.match(value) or "--" in value or not re.search("[a-z]", value):
        return f"{value!r} is not a valid port name (IANA_SVC_NAME: <= 15 of a-z, 0-9, '-', one letter)"
    return None


def port_or_name(value) -> str | None:
    """An IntOrString port: 1-65535 or a port name."""
    return port_name(value) if type(value) is str else port(value)


def target_port(value) -> str | None:
    """A Service's targetPort; a quoted number ("8080") is left to svcdebug, whose finding explains it."""
    return None if type(value) is str and value.isascii() and value.isdigit() else port_or_name(value)


def protocol(value) -> str | None:
    return None if value in PROTOCOLS and type(value) is str else f"{describe(value)} is not TCP, UDP or SCTP"


def operator(value) -> str | None:
    return None if value in SELECTOR_OPERATORS and type(value) is str else \
        f"{describe(value)} is not In, NotIn, Exists or DoesNotExist"


def _name_rule(pattern, limit: int, what: str):
    def rule(value) -> str | None:
        if type(value) is not str:
            return not_a_string(value)
        if not value or len(value) > limit or not pattern.match(value):
            return f"{value!r} is not a valid name ({what}, at most {limit} characters)"
        return None
    return rule


dns_label = _name_rule(_DNS1123_LABEL, 63, "lowercase letters, digits and '-'")
dns_subdomain = _name_rule(_DNS1123_SUBDOMAIN, 253, "lowercase letters, digits, '-' and '.'")
dns1035_label = _name_rule(_DNS1035_LABEL, 63, "a lowercase letter, then letters, digits and '-'")


def _remembered(rule):
    """The same label or name appears on thousands of objects: check each distinct string once."""
    seen: dict = {}

    def remembered(value) -> str | None:
        if type(value) is not str:
            return rule(value)
        if value not in seen:
            if len(seen) > 100_000:
                seen.clear()
            seen[value] = rule(value)
        return seen[value]
    return remembered


def label_key(value) -> str | None:
    """A qualified name: an optional DNS subdomain prefix and '/', then a name of <= 63 characters."""
    if type(value) is not str:
        return f"label key must be a string, not {describe(value)}"
    prefix, _, name = value.rpartition("/")
    if (prefix or "/" in value) and dns_subdomain(prefix):
        return f"label key {value!r}: prefix {prefix!r} is not a DNS subdomain"
    if not name or len(name) > 63 or not _QUALIFIED_NAME.match(name):
        return f"label key {value!r} is not valid (<= 63 of A-Z, a-z, 0-9, '-', '_', '.', alphanumeric at both ends)"
    return None


def label_value(value) -> str | None:
    if type(value) is not str:
        return f"label value {not_a_string(value)}"
    if value and (len(value) > 63 or not _QUALIFIED_NAME.match(value)):
        return f"label value {value!r} is not valid (<= 63 of A-Z, a-z, 0-9, '-', '_', '.', alphanumeric at both ends)"
    return None


def ip(value) -> str | None:
    if type(value) is not str:
        return f"must be an IP address, not {describe(value)}"
    if _IPV4.match(value):
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return f"{value!r} is not an IP address"
    return None


def cluster_ip(value) -> str | None:
    """A Service's clusterIP: an IP, "None" (headless) or "" (to be assigned)."""
    return None if value in ("None", "") else ip(value)


def cidr(value) -> str | None:
    if type(value) is not str:
        return f"must be a CIDR, not {describe(value)}"
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{value!r} is not a CIDR"
    return None if "/" in value else f"{value!r} is not a CIDR (no prefix length)"


label_key, label_value = _remembered(label_key), _remembered(label_value)
dns_label, dns_subdomain, dns1035_label = _remembered(dns_label), _remembered(dns_subdomain), _remembered(dns1035_label)
