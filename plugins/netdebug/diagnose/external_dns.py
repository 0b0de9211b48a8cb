"""The host's name as an outside client gets it: this machine's resolver, the zone's authoritative
answer and the addresses the cluster serves it at. Pure: judges probe results onto the dns hop."""
from ..model.findings import Finding
from ..model.objects import is_ip
from .hops import Hop


def judge_dns(hop: Hop, result: dict, external: dict, authority: dict | None = None) -> None:
    """This machine's answer, and the zone's authoritative one when it could be asked: a wrong record
    at the source is ExternalDNS's problem; a right record this machine does not see yet is a cache."""
    host, expected, found = external["host"], external.get("expected") or [], result.get("addresses") or []
    hop.facts.update(resolved=found or "<none>", outcome=result["outcome"])
    source = authority if authority and authority["outcome"] in ("resolved", "nxdomain", "nodata") else None
    if source is not None:
        hop.facts["authoritative"] = {"server": source.get("server"), "answer": source.get("addresses") or source["outcome"]}
    evidence = {"name": host, "this machine resolves": found or result.get("detail") or result["outcome"],
                "the cluster publishes": expected or "<no address>"}
    if source is not None:
        evidence[f"authoritative ({source.get('server')})"] = source.get("addresses") or source["outcome"]
    finding = _record_problem(host, expected, source or result, evidence)
    if finding is None and source is not None and source.get("addresses") and \
            not set(found) & set(source["addresses"]):
        finding = Finding("external-dns-cached", "error", f"the zone's name server answers {host} with "
                          f"{', '.join(source['addresses'])}, but this machine's resolver says "
                          f"{', '.join(found) or result['outcome']}: an old answer cached until its TTL expires "
                          "(or a split-horizon view)", evidence, "flush the resolver's cache (resolvectl flush-caches, "
                          "or wait for the TTL); lower the record's TTL before moving addresses", f"name {host}")
    if finding is None and source is None and result["outcome"] not in ("resolved", "nxdomain"):
        finding = Finding("external-dns-failed", "error", f"resolving {host} from this machine failed "
                          f"({result.get('detail') or result['outcome']})", evidence,
                          "check this machine's resolver (/etc/resolv.conf) and the zone's name servers", f"name {host}")
    if finding is not None:
        hop.fail(finding)


def _record_problem(host: str, expected: list[str], answer: dict, evidence: dict) -> Finding | None:
    """The record itself (at the source when known, else as this machine sees it): missing or stale."""
    fix = ("check ExternalDNS: its logs, --source (service, ingress), --domain-filter, the hostname annotation, "
           "and the record in the DNS provider's zone")
    addresses = (answer.get("addresses") or []) + (answer.get("aliases") or [])
    if answer["outcome"] in ("nxdomain", "nodata") and not expected:
        return Finding("external-dns-missing", "error", f"{host} has no address record ({answer['outcome']}), and "
                       "the cluster shows no address for it either (a LoadBalancer still pending, an Ingress "
                       "without address): there is nothing to publish yet", evidence,
                       "get the address assigned first (the entry hop says what is missing); ExternalDNS then "
                       "publishes it", f"name {host}")
    if answer["outcome"] in ("nxdomain", "nodata"):
        return Finding("external-dns-missing", "error", f"{host} has no address record ({answer['outcome']}): "
                       "the DNS record for it is missing", evidence, fix, f"name {host}")
    if addresses and any(map(is_ip, expected)) and not set(addresses) & set(expected):
        return Finding("external-dns-stale", "error", f"{host} resolves to {', '.join(addresses)}, but the cluster "
                       f"serves it at {', '.join(expected)}: the DNS record is stale", evidence,
                       fix + "; ExternalDNS only updates records it owns (its TXT registry record)", f"name {host}")
    return None
