"""What users type to name things, parsed once for every plugin (pure: no snapshot, no API).

References: NAME, NS/NAME, KIND/NAME, NS/KIND/NAME, with kind names and aliases as kubectl spells
them (pod/po, deploy, sts, ds, rs, svc). Ports: a number 1-65535 in ASCII digits, or a port name
by the API's IANA_SVC_NAME rule (1-15 of a-z0-9 and '-', a letter somewhere, no '-' at either end,
no '--').
"""
import math
import re
from dataclasses import dataclass

from ..errors import InputError
from .kinds import POD_CONTROLLER_KINDS

KIND_ALIASES = {
    "pod": "Pod", "pods": "Pod", "po": "Pod",
    "deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
    "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet",
    "ds": "DaemonSet", "daemonset": "DaemonSet", "daemonsets": "DaemonSet",
    "rs": "ReplicaSet", "replicaset": "ReplicaSet", "replicasets": "ReplicaSet",
    "svc": "Service", "service": "Service", "services": "Service",
    "netpol": "NetworkPolicy", "networkpolicy": "NetworkPolicy", "networkpolicies": "NetworkPolicy",
}
SHORT_NAMES = {"Pod": "pod", "Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds", "ReplicaSet": "rs",
               "Service": "svc", "NetworkPolicy": "netpol"}
POD_KINDS = ("Pod", *POD_CONTROLLER_KINDS)  # what a pod reference may name
MAX_PORT_NAME = 15
_PORT_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


@dataclass(frozen=True)
class ObjectRef:
    """A parsed reference; namespace is None unless the user typed one."""

    text: str
    kind: str
    name: str
    namespace: str | None = None

    def spelled(self, namespace: str | None = None, default_kind: str = "Pod") -> str:
        """The reference as the user could type it: `shop/deploy/web`, `shop/web` for a pod."""
        ns = namespace or self.namespace
        kind = "" if self.kind == default_kind else f"{SHORT_NAMES[self.kind]}/"
        return f"{ns}/{kind}{self.name}" if ns else f"{kind}{self.name}"


def parse_ref(text: str, kinds: tuple[str, ...] = POD_KINDS, what: str = "reference") -> ObjectRef:
    """NAME, NS/NAME, KIND/NAME or NS/KIND/NAME (also KIND/NS/NAME); the default kind is kinds[0]."""
    text = (text or "").strip()
    namespace, alias, name = _split(text, what)
    kind = kinds[0] if alias is None else KIND_ALIASES.get(alias.lower())
    if kind not in kinds:
        spelled = ", ".join(SHORT_NAMES[k] for k in kinds)
        raise InputError(f"{what} {_short(text, 80)}: unknown kind {_short(alias)} here (use {spelled})")
    check_name(name, text, what)
    if namespace is not None:
        check_name(namespace, text, what, "namespace")
    return ObjectRef(text, kind, name, namespace)


def _split(text: str, what: str) -> tuple[str | None, str | None, str]:
    """(namespace, kind alias, name) as typed; None for what was left out."""
    parts = text.split("/")
    if len(parts) > 3 or not all(parts):
        raise InputError(f"{what} {_short(text, 80)}: expected NAME, NS/NAME, KIND/NAME or NS/KIND/NAME")
    if len(parts) == 1:
        return None, None, parts[0]
    if len(parts) == 2:
        return (None, *parts) if parts[0].lower() in KIND_ALIASES else (parts[0], None, parts[1])
    if parts[0].lower() in KIND_ALIASES and parts[1].lower() not in KIND_ALIASES:
        return parts[1], parts[0], parts[2]  # svc/NS/NAME, as svcdebug has always accepted
    return parts[0], parts[1], parts[2]


def check_name(name: str, text: str, what: str, role: str = "name") -> None:
    if len(name) > 253 or not _NAME.match(name) or (role == "namespace" and ("." in name or len(name) > 63)):
        raise InputError(f"{what} {_short(text, 80)}: {_short(name, 80)} is not a valid Kubernetes {role} "
                         "(lowercase letters, digits and '-')")


def parse_port(text, what: str = "port") -> int | str:
    """A port number (1-65535, ASCII digits) or a port name (IANA_SVC_NAME, case-insensitive as typed)."""
    text = str(text).strip()
    if text.isascii() and text.isdigit():
        number = int(text) if len(text) <= 5 else 0
        if not 1 <= number <= 65535:
            raise InputError(f"{what} {_short(text)}: a port number must be 1-65535")
        return number
    name = text.lower()
    if not (name.isascii() and _PORT_NAME.match(name) and len(name) <= MAX_PORT_NAME
            and any(c.isalpha() for c in name)):
        raise InputError(f"{what} {_short(text)!s}: not a port number (1-65535) or a port name (1-15 of a-z, 0-9 "
                         "and '-', with a letter, no '-' at either end or twice in a row)")
    return name


def parse_seconds(text, what: str, zero_means_no_limit: bool = False) -> float:
    """A duration in seconds: ASCII digits, finite, positive (or 0 where that means no limit)."""
    text = str(text).strip()
    try:
        number = float(text) if text.isascii() and "_" not in text else float("nan")
    except ValueError:
        number = float("nan")
    if not (math.isfinite(number) and (number > 0 or (number == 0 and zero_means_no_limit))):
        least = "0 (no limit) or more" if zero_means_no_limit else "more than 0"
        raise InputError(f"{what} {_short(text)}: expected a number of seconds, {least}")
    return number


def split_port(text: str, what: str, raw: str | None = None) -> tuple[str, int | str | None]:
    """`NAME:PORT` -> (NAME, port); no ':' -> (text, None). Errors name `what` and the raw argument."""
    if ":" not in text:
        return text, None
    host, _, port = text.rpartition(":")
    if not host or not port:
        raise InputError(f"{what} {_short(raw or text, 80)}: empty name or port around ':'")
    return host, parse_port(port, f"{what} {_short(raw or text, 80)}: port")


def _short(text: str, limit: int = 20) -> str:
    return repr(text if len(text) <= limit else f"{text[:limit]}...({len(text)} characters)")
