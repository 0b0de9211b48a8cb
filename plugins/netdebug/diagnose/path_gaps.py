"""What RBAC gaps do to hops the walk already judged (pure): a conclusion that rested on objects we could
not read becomes `?`, its errors warnings (Hop.doubt), never a confident verdict."""
from ..model import objects
from ..model.gaps import unreadable


def doubt_hidden_pods(snapshot, report, service: dict, backends: list[dict]) -> None:
    """No backend seen because the pods could not be listed: policy and destination are not known."""
    hidden = None if backends else unreadable(snapshot.gaps, "Pod", objects.namespace(service))
    if hidden is not None:
        for name in ("policy", "destination"):
            report.hop(name).doubt("pods-not-visible", f"{hidden.sentence}: the Service's pods are not known")


def doubt_unidentified(snapshot, report, address: str) -> None:
    """An address of no Service or pod we saw is outside the cluster, unless RBAC hid the one it belongs to:
    then what policy says about it (an ipBlock, not the pods behind it) may not apply."""
    hidden = unreadable(snapshot.gaps, "Service") or unreadable(snapshot.gaps, "Pod")
    if hidden is not None:
        report.hop("policy").doubt("address-not-identified", f"{hidden.sentence}: {address} may be a Service's or a "
                                   "pod's address, which policy judges by the pods behind it")
