"""Truth tables for the cases of the upstream Kubernetes e2e NetworkPolicy suite.

The model is the suite's: namespaces x, y, z (labelled ns=<name>), pods a, b, c in each (labelled
pod=<name>) serving ports 80 and 81 on TCP, UDP and SCTP (named serve-<port>-<proto>). Each case
applies policies and states, for one protocol/port, which of the 81 ordered pod pairs may connect.
The expected tables were worked out by hand from the NetworkPolicy API semantics (a pod always
reaches itself). "Updated" cases of the suite appear as their before and after states.

Grid rows are the source pod, columns the destination, both in the order
x/a x/b x/c  y/a y/b y/c  z/a z/b z/c;  X = allowed, . = denied.
"""
from dataclasses import dataclass, field

import pytest

from netdebug.policy.engine import Endpoint, PolicyEngine
from netdebug.policy.matrix import compute

from .cluster import e2e_model, policy, snapshot

ORDER = [f"{ns}/{pod}" for ns in "xyz" for pod in "abc"]
IP = {ref: f"192.168.{'xyz'.index(ref[0]) + 1}.{'abc'.index(ref[2]) + 10}" for ref in ORDER}


def grid(text: str) -> list[str]:
    rows = ["".join(line.split()) for line in text.strip().splitlines()]
    assert len(rows) == 9 and all(len(r) == 9 and set(r) <= {"X", "."} for r in rows), text
    return rows


ALL = grid("\n".join(["XXX XXX XXX"] * 9))
ONLY_SELF_INTO_X = grid("""
    X.. XXX XXX
    .X. XXX XXX
    ..X XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX""")
X_CUT_OFF = grid("""
    X.. ... ...
    .X. ... ...
    ..X ... ...
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX""")
X_SENDS_NOTHING = grid("""
    X.. ... ...
    .X. ... ...
    ..X ... ...
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX""")
XA_FROM_NOBODY = grid("""
    XXX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX""")
XA_FROM_XB = grid("""
    XXX XXX XXX
    XXX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX""")
XA_FROM_Y = grid("""
    XXX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    .XX XXX XXX
    .XX XXX XXX
    .XX XXX XXX""")
XA_SENDS_NOTHING = grid("""
    X.. ... ...
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX""")
X_FROM_Y_ONLY = grid("""
    X.. XXX XXX
    .X. XXX XXX
    ..X XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    XXX XXX XXX
    ... XXX XXX
    ... XXX XXX
    ... XXX XXX""")


def rows_with(first: str, rest: list[str] = ALL) -> list[str]:
    """A table equal to `rest` except for the first row (x/a as the source)."""
    return grid("\n".join([first, *rest[1:]]))


@dataclass
class Case:
    name: str
    policies: list  # (namespace, name, spec)
    tables: list  # (protocol, port, expected grid)
    namespace_labels: dict = field(default_factory=dict)  # extra labels: {"y": {"k": "v"}}
    pod_labels: dict = field(default_factory=dict)  # extra labels: {"x/b": {"k": "v"}}


def ingress_to_a(*peers, ports=None) -> dict:
    rule = {"from": list(peers)} if peers else {}
    if ports is not None:
        rule["ports"] = ports
    return {"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [rule], "policyTypes": ["Ingress"]}


def egress_of_a(*rules) -> dict:
    return {"podSelector": {"matchLabels": {"pod": "a"}}, "egress": list(rules), "policyTypes": ["Egress"]}


def ns_is(value: str) -> dict:
    return {"namespaceSelector": {"matchLabels": {"ns": value}}}


def pod_is(value: str) -> dict:
    return {"podSelector": {"matchLabels": {"pod": value}}}


def expr(key: str, operator: str, values: list) -> dict:
    return {"matchExpressions": [{"key": key, "operator": operator, "values": values}]}


DENY_INGRESS = {"podSelector": {}, "policyTypes": ["Ingress"]}
DENY_ALL = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
FROM_ALL_NAMESPACES = {"namespaceSelector": {}}
NAME_LABEL = "kubernetes.io/metadata.name"

CASES = [
    Case("default-deny-ingress", [("x", "deny", DENY_INGRESS)],
         [("TCP", 80, ONLY_SELF_INTO_X), ("TCP", 81, ONLY_SELF_INTO_X)]),
    Case("default-deny-ingress on UDP and SCTP", [("x", "deny", DENY_INGRESS)],
         [("UDP", 80, ONLY_SELF_INTO_X), ("SCTP", 81, ONLY_SELF_INTO_X)]),
    Case("default-deny-all", [("x", "deny", DENY_ALL)], [("TCP", 80, X_CUT_OFF), ("UDP", 81, X_CUT_OFF)]),
    Case("default-deny-all with policyTypes Egress before Ingress",
         [("x", "deny", {"podSelector": {}, "policyTypes": ["Egress", "Ingress"]})], [("TCP", 80, X_CUT_OFF)]),
    Case("allow from pods within the server namespace by podSelector",
         [("x", "a-from-b", ingress_to_a(pod_is("b")))], [("TCP", 80, XA_FROM_XB)]),
    Case("allow ingress traffic for a target over a default deny",
         [("x", "deny", DENY_INGRESS), ("x", "allow-a", ingress_to_a())], [("TCP", 80, grid("""
            X.. XXX XXX
            XX. XXX XXX
            X.X XXX XXX
            X.. XXX XXX
            X.. XXX XXX
            X.. XXX XXX
            X.. XXX XXX
            X.. XXX XXX
            X.. XXX XXX"""))]),
    Case("allow ingress from pods in all namespaces", [("x", "a-from-all", ingress_to_a(FROM_ALL_NAMESPACES))],
         [("TCP", 80, ALL)]),
    Case("allow only from a different namespace by namespaceSelector",
         [("x", "a-from-y", ingress_to_a(ns_is("y")))], [("TCP", 80, XA_FROM_Y)]),
    Case("podSelector with matchExpressions", [("x", "a-from-b", ingress_to_a({"podSelector": expr("pod", "In", ["b"])}))],
         [("TCP", 80, XA_FROM_XB)]),
    Case("namespaceSelector with matchExpressions",
         [("x", "a-from-y", ingress_to_a({"namespaceSelector": expr("ns", "In", ["y"])}))], [("TCP", 80, XA_FROM_Y)]),
    Case("podSelector or namespaceSelector (separate peers)",
         [("x", "or", ingress_to_a({"namespaceSelector": expr("ns", "NotIn", ["x"])}, pod_is("b")))],
         [("TCP", 80, grid("""
            XXX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX"""))]),
    Case("podSelector and namespaceSelector (one peer)",
         [("x", "and", ingress_to_a({"namespaceSelector": expr("ns", "NotIn", ["x"]),
                                     "podSelector": expr("pod", "In", ["b", "c"])}))],
         [("TCP", 80, grid("""
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            XXX XXX XXX"""))]),
    Case("multiple podSelectors and namespaceSelectors",
         [("x", "multi", ingress_to_a({"namespaceSelector": expr("ns", "In", ["y"]),
                                       "podSelector": expr("pod", "In", ["a", "c"])}))],
         [("TCP", 80, grid("""
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX"""))]),
    Case("any of several podSelectors", [("x", "any", ingress_to_a(pod_is("b"), pod_is("c")))],
         [("TCP", 80, grid("""
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX"""))]),
    Case("only from one pod in a different namespace",
         [("x", "ya-only", ingress_to_a({**ns_is("y"), **pod_is("a")}))],
         [("TCP", 80, grid("""
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX"""))]),
    Case("policy based on ports", [("x", "y-on-81", ingress_to_a(ns_is("y"), ports=[{"port": 81}]))],
         [("TCP", 80, XA_FROM_NOBODY), ("TCP", 81, XA_FROM_Y)]),
    Case("multiple stacked policies with overlapping podSelectors",
         [("x", "y-on-80", ingress_to_a(ns_is("y"), ports=[{"port": 80}])),
          ("x", "y-on-81", ingress_to_a(ns_is("y"), ports=[{"port": 81}]))],
         [("TCP", 80, XA_FROM_Y), ("TCP", 81, XA_FROM_Y)]),
    Case("allow-all policy", [("x", "allow-all", {"podSelector": {}, "ingress": [{}]})],
         [("TCP", 80, ALL), ("UDP", 81, ALL)]),
    Case("ingress on one named port",
         [("x", "named", {"podSelector": {}, "ingress": [{"ports": [{"port": "serve-81-tcp"}]}]})],
         [("TCP", 81, ALL), ("TCP", 80, ONLY_SELF_INTO_X)]),
    Case("ingress from a namespace on one named port",
         [("x", "named", {"podSelector": {}, "ingress": [{"from": [ns_is("y")], "ports": [{"port": "serve-80-tcp"}]}]})],
         [("TCP", 80, X_FROM_Y_ONLY), ("TCP", 81, ONLY_SELF_INTO_X)]),
    Case("egress on one named port (protocol-aware)",
         [("x", "named", {"podSelector": {}, "policyTypes": ["Egress"],
                          "egress": [{"ports": [{"port": "serve-80-tcp"}, {"port": 53, "protocol": "UDP"}]}]})],
         [("TCP", 80, ALL), ("TCP", 81, X_SENDS_NOTHING), ("UDP", 80, X_SENDS_NOTHING)]),
    Case("updated policy, before", [("x", "p", {"podSelector": {}, "ingress": [{"ports": [{"port": 81}]}]})],
         [("TCP", 80, ONLY_SELF_INTO_X), ("TCP", 81, ALL)]),
    Case("updated policy, after", [("x", "p", {"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]})],
         [("TCP", 80, ALL), ("TCP", 81, ONLY_SELF_INTO_X)]),
    Case("ingress from an updated namespace, before",
         [("x", "p", ingress_to_a({"namespaceSelector": {"matchLabels": {"ns2": "updated"}}}))],
         [("TCP", 80, XA_FROM_NOBODY)]),
    Case("ingress from an updated namespace, after",
         [("x", "p", ingress_to_a({"namespaceSelector": {"matchLabels": {"ns2": "updated"}}}))],
         [("TCP", 80, XA_FROM_Y)], namespace_labels={"y": {"ns2": "updated"}}),
    Case("ingress from an updated pod, before",
         [("x", "p", ingress_to_a({"podSelector": {"matchLabels": {"pod2": "updated"}}}))],
         [("TCP", 80, XA_FROM_NOBODY)]),
    Case("ingress from an updated pod, after",
         [("x", "p", ingress_to_a({"podSelector": {"matchLabels": {"pod2": "updated"}}}))],
         [("TCP", 80, XA_FROM_XB)], pod_labels={"x/b": {"pod2": "updated"}}),
    Case("deny ingress from pods in other namespaces",
         [("x", "same-ns", {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]})],
         [("TCP", 80, grid("""
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            ... XXX XXX
            ... XXX XXX
            ... XXX XXX
            ... XXX XXX
            ... XXX XXX
            ... XXX XXX"""))]),
    Case("deny ingress to an updated pod, before",
         [("x", "p", {"podSelector": {"matchLabels": {"target": "isolated"}}, "policyTypes": ["Ingress"]})],
         [("TCP", 80, ALL)]),
    Case("deny ingress to an updated pod, after",
         [("x", "p", {"podSelector": {"matchLabels": {"target": "isolated"}}, "policyTypes": ["Ingress"]})],
         [("TCP", 80, XA_FROM_NOBODY)], pod_labels={"x/a": {"target": "isolated"}}),
    Case("deny egress by podSelector", [("x", "a-no-egress", egress_of_a())], [("TCP", 80, XA_SENDS_NOTHING)]),
    Case("deny egress of a whole namespace", [("x", "no-egress", {"podSelector": {}, "policyTypes": ["Egress"]})],
         [("TCP", 80, X_SENDS_NOTHING), ("SCTP", 80, X_SENDS_NOTHING)]),
    Case("ingress and egress together",
         [("x", "both", {"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Ingress", "Egress"],
                         "ingress": [{"from": [ns_is("y")]}], "egress": [{"to": [ns_is("z")]}]})],
         [("TCP", 80, rows_with("X.. ... XXX", XA_FROM_Y))]),
    Case("client-side egress deny wins over a server-side allow",
         [("x", "a-no-egress", egress_of_a()),
          ("y", "from-x", {"podSelector": {}, "ingress": [{"from": [ns_is("x")]}]})],
         [("TCP", 80, grid("""
            X.. ... ...
            XXX XXX XXX
            XXX XXX XXX
            XXX X.. XXX
            XXX .X. XXX
            XXX ..X XXX
            XXX ... XXX
            XXX ... XXX
            XXX ... XXX"""))]),
    Case("egress to a server in another namespace by podSelector and namespaceSelector",
         [("x", "to-ya", egress_of_a({"to": [{**ns_is("y"), **pod_is("a")}]}))],
         [("TCP", 80, rows_with("X.. X.. ..."))]),
    Case("ingress on any port of one protocol",
         [("x", "tcp-only", ingress_to_a(ports=[{"protocol": "TCP"}]))],
         [("TCP", 80, ALL), ("TCP", 81, ALL), ("UDP", 80, XA_FROM_NOBODY)]),
    Case("an allow-all ingress policy takes precedence",
         [("x", "only-80", ingress_to_a(ports=[{"port": 80}])), ("x", "all", ingress_to_a())],
         [("TCP", 81, ALL)]),
    Case("an allow-all egress policy takes precedence",
         [("x", "only-80", egress_of_a({"ports": [{"port": 80}]})), ("x", "all", egress_of_a({}))],
         [("TCP", 81, ALL)]),
    Case("policies stop being enforced once deleted (before)", [("x", "deny", DENY_ALL)], [("TCP", 80, X_CUT_OFF)]),
    Case("policies stop being enforced once deleted (after)", [], [("TCP", 80, ALL)]),
    Case("egress to a server in a CIDR block",
         [("x", "cidr", egress_of_a({"to": [{"ipBlock": {"cidr": f"{IP['y/b']}/32"}}]}))],
         [("TCP", 80, rows_with("X.. .X. ..."))]),
    Case("except clause of an egress CIDR block",
         [("x", "except", egress_of_a({"to": [{"ipBlock": {"cidr": "192.168.0.0/16", "except": [f"{IP['y/b']}/32"]}}]}))],
         [("TCP", 80, rows_with("XXX X.X XXX"))]),
    Case("an IP in both a CIDR's except and another CIDR is allowed",
         [("x", "except", egress_of_a({"to": [{"ipBlock": {"cidr": "192.168.0.0/16", "except": [f"{IP['y/b']}/32"]}}]},
                                      {"to": [{"ipBlock": {"cidr": f"{IP['y/b']}/32"}}]}))],
         [("TCP", 80, ALL)]),
    Case("ingress pods matched by ipBlock",
         [("x", "from-y-ips", ingress_to_a({"ipBlock": {"cidr": "192.168.2.0/24"}}))], [("TCP", 80, XA_FROM_Y)]),
    Case("ingress and egress controlled independently by podSelector",
         [("x", "a-to-b", egress_of_a({"to": [pod_is("b")]})),
          ("x", "b-from-c", {"podSelector": {"matchLabels": {"pod": "b"}}, "ingress": [{"from": [pod_is("c")]}]})],
         [("TCP", 80, grid("""
            X.. ... ...
            XXX XXX XXX
            XXX XXX XXX
            X.X XXX XXX
            X.X XXX XXX
            X.X XXX XXX
            X.X XXX XXX
            X.X XXX XXX
            X.X XXX XXX"""))]),
    Case("SCTP is not UDP", [("x", "sctp-80", ingress_to_a(ports=[{"protocol": "SCTP", "port": 80}]))],
         [("UDP", 80, XA_FROM_NOBODY), ("SCTP", 80, ALL)]),
    Case("a policy allowing SCTP isolates for TCP",
         [("x", "sctp-81", ingress_to_a(ports=[{"protocol": "SCTP", "port": 81}]))],
         [("TCP", 80, XA_FROM_NOBODY), ("SCTP", 81, ALL), ("SCTP", 80, XA_FROM_NOBODY)]),
    Case("TCP is denied when a policy names only UDP",
         [("x", "udp-81", ingress_to_a(ports=[{"protocol": "UDP", "port": 81}]))],
         [("TCP", 81, XA_FROM_NOBODY), ("UDP", 81, ALL)]),
    Case("namespaceSelector matchLabels on the default namespace label",
         [("x", "p", ingress_to_a({"namespaceSelector": {"matchLabels": {NAME_LABEL: "y"}}}))],
         [("TCP", 80, XA_FROM_Y)]),
    Case("namespaceSelector matchExpressions on the default namespace label",
         [("x", "p", ingress_to_a({"namespaceSelector": expr(NAME_LABEL, "NotIn", ["y"])}))],
         [("TCP", 80, grid("""
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            .XX XXX XXX
            XXX XXX XXX
            XXX XXX XXX
            XXX XXX XXX"""))]),
    Case("ingress on a port range (endPort)", [("x", "range", ingress_to_a(ports=[{"port": 81, "endPort": 90}]))],
         [("TCP", 80, XA_FROM_NOBODY), ("TCP", 81, ALL)]),
    Case("egress to another namespace on a named UDP port",
         [("x", "dns-like", egress_of_a({"to": [ns_is("y")], "ports": [{"port": "serve-81-udp", "protocol": "UDP"}]}))],
         [("UDP", 81, rows_with("X.. XXX ...")), ("UDP", 80, XA_SENDS_NOTHING), ("TCP", 81, XA_SENDS_NOTHING)]),
]


def build(case: Case):
    objs = e2e_model()
    for obj in objs:
        meta = obj["metadata"]
        if obj["kind"] == "Namespace":
            meta["labels"].update(case.namespace_labels.get(meta["name"], {}))
        else:
            meta["labels"].update(case.pod_labels.get(f"{meta['namespace']}/{meta['name']}", {}))
    snap = snapshot(*objs, *[policy(ns, name, spec) for ns, name, spec in case.policies])
    return snap, PolicyEngine(snap)


def actual_grid(engine: PolicyEngine, pods: dict, protocol: str, port: int) -> list[str]:
    return ["".join("X" if engine.check(pods[src], pods[dst], port, protocol).allowed else "." for dst in ORDER)
            for src in ORDER]


def show(rows: list[str]) -> str:
    return "\n".join(f"{ref}  {r[:3]} {r[3:6]} {r[6:]}" for ref, r in zip(ORDER, rows))


TABLES = [pytest.param(case, table, id=f"{case.name} [{table[0]} {table[1]}]") for case in CASES for table in case.tables]


def test_there_are_at_least_30_cases():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case,table", TABLES)
def test_truth_table(case, table):
    protocol, port, expected = table
    snap, engine = build(case)
    assert engine.problems == []
    pods = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": Endpoint.for_pod(p) for p in snap.of("Pod")}
    got = actual_grid(engine, pods, protocol, port)
    assert got == expected, f"\nexpected:\n{show(expected)}\ngot:\n{show(got)}"
    matrix = compute(engine, snap.of("Pod"))
    refs = matrix.refs()
    from_matrix = ["".join("X" if matrix.connections(refs.index(s), refs.index(d)).contains(protocol, port) else "."
                           for d in ORDER) for s in ORDER]
    assert from_matrix == expected
