"""The conclusions drawn from probe results (pure): each code from hand-made results."""
from netdebug.diagnose.probe_verdicts import ProbeFacts, conclude
from netdebug.diagnose.service_policy import PolicyCheck
from netdebug.model.probes import ProbeResult, ProbeSpec

SVC_IP, POD_A, POD_B = "10.96.0.20", "10.244.1.5", "10.244.2.6"
NAMES = {"web": "short", "web.shop": "namespace", "web.shop.svc.cluster.local": "fqdn", "kubernetes.default": "cluster-dns"}


def result(kind, target, outcome, port=None, client=("shop", "client"), **extra):
    spec = ProbeSpec(kind, client[0], client[1], "c", target, port)
    return ProbeResult(spec, outcome, extra.pop("detail", ""), 5.0, "nc", **extra)


def facts(**changes):
    base = dict(subject="Service shop/web", namespace="shop", cluster_ips=frozenset({SVC_IP}),
                endpoint_pods={POD_A: "shop/web-a", POD_B: "shop/web-b"}, ready_ips=frozenset({POD_A, POD_B}),
                backends=frozenset({"shop/web-a", "shop/web-b"}), dns_names=NAMES)
    return ProbeFacts(**{**base, **changes})


def codes(found):
    return [f.code for f in found]


def test_pods_answer_but_clusterip_does_not():
    found = conclude([result("tcp", POD_A, "connected", 8080), result("tcp", POD_B, "connected", 8080),
                      result("tcp", SVC_IP, "timeout", 80)], facts())
    assert codes(found) == ["clusterip-path-broken"]
    assert found[0].evidence["pods answered from"] == ["shop/client"]


def test_clusterip_timeout_with_an_unproven_endpoint_blames_nothing():
    """POD_B was not probed: the ClusterIP may have sent the connect there, so the path is not proven broken."""
    found = conclude([result("tcp", POD_A, "connected", 8080), result("tcp", SVC_IP, "timeout", 80)], facts())
    assert codes(found) == []


def test_clusterip_refused_without_ready_endpoints_is_not_a_path_problem():
    found = conclude([result("tcp", POD_A, "connected", 8080), result("tcp", SVC_IP, "refused", 80)],
                     facts(ready_ips=frozenset()))
    assert codes(found) == []


def test_hairpin_only_the_backend_fails():
    results = [result("tcp", POD_A, "connected", 8080), result("tcp", POD_B, "connected", 8080),
               result("tcp", SVC_IP, "connected", 80), result("tcp", SVC_IP, "timeout", 80, client=("shop", "web-a"))]
    assert codes(conclude(results, facts())) == ["hairpin-broken"]


def policy_to(client, backend, allowed, denied_by=None, policies=()):
    return PolicyCheck(client, backend, 8080, "TCP", allowed, denied_by, policies, "", ())


HAIRPIN = [result("tcp", POD_A, "connected", 8080), result("tcp", POD_B, "connected", 8080),
           result("tcp", SVC_IP, "connected", 80),
           result("tcp", SVC_IP, "timeout", 80, client=("shop", "web-a"))]


def test_hairpin_failure_explained_by_policy_is_the_policy_finding():
    paths = [policy_to("shop/web-a", "shop/web-a", True),  # a pod reaching itself: never a policy matter
             policy_to("shop/web-a", "shop/web-b", False, "egress", ("shop/web-egress",))]
    found = conclude(HAIRPIN, facts(clusterip_policy={("shop/web-a", 80): paths}))
    assert codes(found) == ["own-service-denied"]
    assert found[0].severity == "info" and "not a hairpin problem" in found[0].message
    assert found[0].evidence["direction"] == "egress"
    assert found[0].evidence["policies"] == ["shop/web-egress"]
    assert found[0].evidence["denied"] == ["shop/web-a -> shop/web-b:8080/TCP"]
    assert found[0].evidence["probed"] == ["shop/web-a -> 10.96.0.20:80/TCP: timeout"]


def test_hairpin_failure_with_policy_allowing_every_endpoint_stays_hairpin_broken():
    paths = [policy_to("shop/web-a", "shop/web-a", True), policy_to("shop/web-a", "shop/web-b", True)]
    assert codes(conclude(HAIRPIN, facts(clusterip_policy={("shop/web-a", 80): paths}))) == ["hairpin-broken"]
    other_port = {("shop/web-a", 443): [policy_to("shop/web-a", "shop/web-b", False, "egress", ("p",))]}
    assert codes(conclude(HAIRPIN, facts(clusterip_policy=other_port))) == ["hairpin-broken"]


def test_clusterip_timeout_of_a_client_policy_denies_is_no_path_problem():
    results = [result("tcp", POD_A, "connected", 8080), result("tcp", POD_B, "connected", 8080),
               result("tcp", SVC_IP, "timeout", 80)]
    denied = {("shop/client", 80): [policy_to("shop/client", "shop/web-a", True),
                                    policy_to("shop/client", "shop/web-b", False, "ingress", ("shop/web-in",))]}
    assert codes(conclude(results, facts(clusterip_policy=denied))) == []  # the static policy finding says why
    assert codes(conclude(results, facts())) == ["clusterip-path-broken"]


def test_loopback_only_listener_has_its_own_code():
    found = conclude([result("tcp", POD_A, "refused", 8080)],
                     facts(listening={"shop/web-a": [{"address": "127.0.0.1", "port": 8080, "protocol": "TCP"}]}))
    assert codes(found) == ["listening-loopback-only"]
    assert found[0].evidence["the container listens on"] == {"shop/web-a": ["127.0.0.1:8080/TCP"]}
    assert "127.0.0.1:8080" in found[0].message and "0.0.0.0:8080" in found[0].fix


def test_not_listening_names_the_port_the_app_listens_on():
    sockets = {"shop/web-a": [{"address": "0.0.0.0", "port": 8080, "protocol": "TCP"}]}
    found = conclude([result("tcp", POD_A, "refused", 8081), result("tcp", POD_B, "refused", 8081)],
                     facts(listening=sockets))
    assert codes(found) == ["not-listening"]
    assert "2 of 2 endpoint(s)" in found[0].message and "targetPort 8081, but the app listens on 8080" in found[0].message
    assert "targetPort to 8080" in found[0].fix
    path = conclude([result("tcp", POD_A, "refused", 8081)], facts(subject="Pod shop/web-a", listening=sockets))
    assert "targetPort" not in path[0].message + path[0].fix and "listens on 8080" in path[0].message


def test_one_odd_endpoint_is_named_not_the_service_port():
    sockets = {"shop/web-a": [{"address": "0.0.0.0", "port": 9090, "protocol": "TCP"}]}
    found = conclude([result("tcp", POD_A, "refused", 8080), result("tcp", POD_B, "connected", 8080)],
                     facts(listening=sockets))
    assert "1 of 2 endpoint(s)" in found[0].message and "shop/web-a do not serve it" in found[0].message
    assert "selector" in found[0].fix and "targetPort" not in found[0].fix


def test_refusals_are_counted_per_port():
    found = conclude([result("tcp", POD_A, "refused", 9090), result("tcp", POD_A, "connected", 8080),
                      result("tcp", POD_B, "refused", 9090), result("tcp", POD_B, "connected", 8080)], facts())
    assert codes(found) == ["not-listening"] and found[0].evidence["targetPort"] == 9090
    assert "2 of 2 endpoint(s)" in found[0].message


def test_timeouts_depend_on_policy():
    probe = result("tcp", POD_A, "timeout", 8080)
    key = ("shop/client", POD_A, 8080)
    assert codes(conclude([probe], facts(policy={key: True}))) == ["dropped-unexplained"]
    assert codes(conclude([probe], facts(policy={key: False}))) == []  # denied: expected, a static finding says why
    unknown = conclude([probe], facts())
    assert codes(unknown) == ["dropped-unexplained"] and "policy unknown" in unknown[0].message
    connected = result("tcp", POD_A, "connected", 8080)
    assert codes(conclude([connected], facts(policy={key: False}))) == ["policy-not-enforced"]


def test_udp_silence_is_best_effort():
    found = conclude([result("udp", SVC_IP, "no-answer", 53)], facts())
    assert [(f.code, f.severity) for f in found] == [("udp-unverified", "info")]


def test_dns_conclusions():
    def dns(outcomes, client=("shop", "client"), **changes):
        return codes(conclude([result("dns", name, outcome, client=client) for name, outcome in outcomes.items()],
                              facts(**changes)))
    ok = {"web": "resolved", "web.shop": "resolved", "web.shop.svc.cluster.local": "resolved", "kubernetes.default": "resolved"}
    assert dns(ok) == []
    assert dns({**ok, "kubernetes.default": "dns-error", "web": "dns-error"}) == ["dns-down"]
    assert dns({**ok, "web.shop.svc.cluster.local": "nxdomain"}) == ["dns-service-unresolved"]
    assert dns({**ok, "web": "nxdomain"}) == ["dns-short-name-unresolved"]
    assert dns({**ok, "web": "nxdomain"}, client=("other", "client")) == ["dns-short-name-other-namespace"]
    assert dns({**ok, "web.shop.svc.cluster.local": "nxdomain"}, external_name="db.example.com") == \
        ["externalname-unresolvable"]


def test_same_dns_conclusion_from_two_clients_is_reported_once():
    results = [result("dns", "kubernetes.default", "timeout", client=("shop", n)) for n in ("a", "b")]
    assert codes(conclude(results, facts())) == ["dns-down"]


def test_tools_missing_or_exec_failing():
    found = conclude([result("tcp", POD_A, "no-tool", 8080), result("dns", "web", "exec-failed", detail="forbidden")],
                     facts())
    assert codes(found) == ["probe-no-tool", "probe-failed"]
    assert found[1].evidence == {"errors": ["shop/client: forbidden"]}


def test_headless_name_without_ready_endpoints_is_expected_to_fail():
    results = [result("dns", "web.shop.svc.cluster.local", "nxdomain"), result("dns", "kubernetes.default", "resolved")]
    assert codes(conclude(results, facts(headless=True, ready_ips=frozenset()))) == []
    assert codes(conclude(results, facts(headless=True))) == ["dns-service-unresolved"]
