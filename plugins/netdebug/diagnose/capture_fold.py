"""One cause, one error: packet and node-fabric findings refine what a netpath report already says. Pure."""
from dataclasses import replace

from ..model.findings import Finding

UNEXPLAINED = ("dropped-unexplained",)


def fold(report, found: list[Finding], replaceable=UNEXPLAINED, key: str = "packets") -> None:
    """One cause, one error: new findings refine what a netpath report already concluded.

    An error that only says *that* packets vanish (`replaceable`: the probes' `dropped-unexplained`)
    is replaced by the new errors, which keep its evidence; another error keeps its place and gains
    the new messages as evidence under `key`; new errors nothing else reported, and the
    non-errors, are added as they are."""
    errors = [f for f in found if f.severity == "error"]
    holders = [h.findings for h in report.hops] + [report.observations]
    vague = next(((lst, f) for lst in holders for f in lst if f.code in replaceable), None)
    first_error = next(((lst, f) for lst in holders for f in lst if f.severity == "error"), None)
    if errors and vague:
        where, old = vague
        where[where.index(old):where.index(old) + 1] = [replace(f, evidence={**f.evidence, "before": old.message,
                                                                             **_evidence_of(old)}) for f in errors]
        _recode(report, old.code, errors[0].code)
    elif errors and first_error:
        where, old = first_error
        where[where.index(old)] = replace(old, evidence={**old.evidence, key: [f.message for f in errors]})
    else:
        destination = report.hop("destination")  # packets proven lost after SRC: the path fails there
        for finding in errors:
            destination.fail(finding) if destination is not None else report.observations.append(finding)
    report.observations.extend(f for f in found if f.severity != "error")


def settle_udp(report, flows: list[dict]) -> None:
    """UDP silence "proves nothing" for a probe; once the packets judged the UDP flows, that note goes."""
    if not any(flow["protocol"] == "UDP" and flow["verdict"] for flow in flows):
        return
    for holder in [h.findings for h in report.hops] + [report.observations]:
        holder[:] = [f for f in holder if f.code != "udp-unverified"]


def _evidence_of(old: Finding) -> dict:
    return {k: v for k, v in old.evidence.items() if k not in ("before",)} if old.code.startswith("capture-") \
        else {"probes": old.evidence}


def _recode(report, old: str, new: str) -> None:
    for hop in report.hops:
        if hop.code == old:
            hop.code = new
