"""netpath's probe options, checked against each other and against the DSTs, in one value."""
from dataclasses import dataclass

from ..errors import InputError


@dataclass(frozen=True)
class ProbeOptions:
    no_probe: bool
    timeout: float
    ephemeral: str | None
    http_paths: list  # one per DST: --http, else the path of a http:// URL
    count: int | None = None
    capture: bool = False
    capture_dir: str | None = None

    def may_probe(self, cluster, report) -> bool:
        """Live, probes wanted, and no exec into a dead source pod."""
        return cluster is not None and not self.no_probe and report.hop("source").status != "fail"


def probe_options(destinations: list, offline: bool, no_probe: bool, timeout: float, ephemeral: str | None,
                  http_path: str | None, count: int | None, capture: bool, capture_dir: str | None) -> ProbeOptions:
    if len(destinations) > 1 and (capture or count):
        raise InputError("--capture and --count follow one path: name one DST")
    if capture_dir and not capture:
        raise InputError("--capture-dir applies to --capture only")
    measured = [flag for flag, given in (("--capture", capture), ("--count", count)) if given]
    if measured and (no_probe or offline):
        raise InputError(f"{' and '.join(measured)} send packets: they need a live cluster and probes "
                         f"(drop {'--no-probe' if no_probe else '-f'})")
    if capture:
        from .path_capture import checked_directory

        capture_dir = checked_directory(capture_dir)
    http_paths = [http_path or (d.path if d.scheme == "http" else None) for d in destinations]
    return ProbeOptions(no_probe, timeout, ephemeral, http_paths, count, capture, capture_dir)
