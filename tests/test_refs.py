"""One reference parser and one resolution rule for every plugin (kubectl's): bare names live in -n, else
the context's namespace (`default` for files); -A looks everywhere; a miss says where the name exists."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdebug.errors import InputError, NotFoundError
from netdebug.model.refs import POD_KINDS, parse_port, parse_ref, parse_seconds, split_port
from netdebug.model.resolve import NameNotFound, Scope, resolve
from netdebug.model.snapshot import Snapshot

from .support import run_plugin as run

ROOT = Path(__file__).resolve().parents[1]
SHOP = str(ROOT / "examples" / "shop")
BLOCKING = str(ROOT / "examples" / "policy-blocking")


@pytest.mark.parametrize("text, kind, name, namespace", [
    ("web", "Pod", "web", None),
    ("shop/web", "Pod", "web", "shop"),
    ("deploy/web", "Deployment", "web", None),
    ("po/web", "Pod", "web", None),
    ("shop/sts/db", "StatefulSet", "db", "shop"),
    ("DaemonSets/agent", "DaemonSet", "agent", None),
    ("svc/shop/api", "Service", "api", "shop"),
    ("shop/svc/api", "Service", "api", "shop"),
])
def test_reference_forms(text, kind, name, namespace):
    ref = parse_ref(text, (*POD_KINDS, "Service"))
    assert (ref.kind, ref.name, ref.namespace) == (kind, name, namespace)


@pytest.mark.parametrize("text, message", [
    ("a/b/c/d", "expected NAME, NS/NAME"), ("/web", "expected NAME"), ("deploy/", "expected NAME"),
    ("svc/web", "unknown kind 'svc' here"), ("Web", "not a valid Kubernetes name"),
    ("shop.x/web", "not a valid Kubernetes namespace"), ("we b", "not a valid"),
])
def test_bad_references_say_what_is_wrong(text, message):
    with pytest.raises(InputError, match=message):
        parse_ref(text)


def pod(ns: str, name: str, labels=None) -> dict:
    return {"kind": "Pod", "metadata": {"namespace": ns, "name": name, "labels": labels or {}},
            "status": {"podIP": "10.0.0.1"}}


def deployment(ns: str, name: str) -> dict:
    return {"kind": "Deployment", "metadata": {"namespace": ns, "name": name},
            "spec": {"selector": {"matchLabels": {"app": name}}}}


@pytest.fixture
def snapshot() -> Snapshot:
    found = Snapshot(namespace="default")
    for obj in (pod("shop", "frontend-abc", {"app": "frontend"}), deployment("shop", "frontend"),
                pod("a", "web"), pod("b", "web"), pod("default", "toolbox")):
        found.add(obj)
    return found


def test_a_bare_name_lives_in_the_scopes_namespace(snapshot):
    assert resolve(snapshot, "toolbox", Scope("default")).ref == "default/toolbox"
    assert resolve(snapshot, "web", Scope("b")).ref == "b/web"
    assert resolve(snapshot, "a/web", Scope("b")).ref == "a/web"


def test_all_namespaces_finds_a_unique_name_and_refuses_an_ambiguous_one(snapshot):
    assert resolve(snapshot, "frontend-abc", Scope("default", all_namespaces=True)).ref == "shop/frontend-abc"
    with pytest.raises(InputError, match=r"Pod web exists in several namespaces \(a, b\)"):
        resolve(snapshot, "web", Scope("default", all_namespaces=True))


def test_a_miss_names_the_other_kind_and_namespace_where_the_name_exists(snapshot):
    with pytest.raises(NameNotFound) as miss:
        resolve(snapshot, "frontend", Scope("default"))
    assert str(miss.value) == "Pod frontend not found in namespace default; found shop/deploy/frontend"
    assert miss.value.instead == ("frontend", "shop/deploy/frontend")
    with pytest.raises(NameNotFound, match="Pod web not found in namespace shop; found a/web, b/web$"):
        resolve(snapshot, "web", Scope("shop"))


def test_same_namespace_other_kind_comes_first(snapshot):
    with pytest.raises(NameNotFound, match="found shop/deploy/frontend$"):
        resolve(snapshot, "shop/frontend", Scope("default"))


def test_a_workload_stands_for_its_pods(snapshot):
    target = resolve(snapshot, "deploy/frontend", Scope("shop"))
    assert (target.ref, target.workload) == ("shop/frontend-abc", "Deployment shop/frontend")


@pytest.mark.parametrize("words", [("netpath", "frontend", "svc/backend"),
                                   ("netpolicy", "check", "frontend", "shop/backend"),
                                   ("netpolicy", "who-can-reach", "frontend")], ids=lambda w: w[0] + w[1][:5])
def test_every_plugin_applies_the_same_rule_and_suggests_the_command(capsys, words):
    code, out, err = run(capsys, *words, "-f", SHOP)
    assert (code, out) == (2, "")
    first, *rest = words
    assert err.startswith("error: Pod frontend not found in namespace default; found shop/frontend, "
                          "shop/deploy/frontend; try: ")
    suggested = err.split("; try: ")[1].strip()
    assert suggested == f"kubectl {first} {' '.join(rest).replace('frontend', 'shop/frontend', 1)} -f {SHOP}"
    code, _, err = run(capsys, *suggested.split()[1:])
    assert code in (0, 1) and err == ""  # the suggestion works


def test_the_suggestion_replaces_the_reference_not_an_option_value_of_the_same_text(capsys, tmp_path):
    other = tmp_path / "frontend.yaml"
    other.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: frontend}\n")
    code, _, err = run(capsys, "netpolicy", "check", "-f", SHOP, "-f", str(other), "-n", "frontend", "frontend",
                       "shop/backend")
    assert code == 2 and err.split("; try: ")[1].startswith("kubectl netpolicy check -f ")
    assert "-n frontend shop/frontend shop/backend" in err


def test_minus_n_and_minus_a_as_kubectl(capsys):
    assert run(capsys, "netpolicy", "check", "-f", SHOP, "-n", "shop", "frontend", "backend")[0] == 0
    assert run(capsys, "netpolicy", "check", "-f", SHOP, "-A", "frontend", "backend")[0] == 0
    code, _, err = run(capsys, "netpath", "-f", SHOP, "-n", "shop", "deploy/frontend", "svc/backend", "--no-probe")
    assert (code, err) == (0, "")


def test_netpath_minus_a_finds_src_in_any_namespace(capsys, tmp_path):
    code, out, err = run(capsys, "netpath", "-f", SHOP, "-A", "frontend", "svc/backend", "--no-probe")
    assert (code, err) == (0, "") and out.startswith("shop/frontend → svc/backend")
    twin = tmp_path / "twin.yaml"
    twin.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: frontend, namespace: other}\n")
    code, _, err = run(capsys, "netpath", "-f", SHOP, "-f", str(twin), "-A", "frontend", "svc/backend")
    assert code == 2 and "Pod frontend exists in several namespaces (other, shop)" in err


def test_svcdebug_from_accepts_a_workload_like_every_other_plugin(capsys):
    code, out, _ = run(capsys, "svcdebug", "-f", BLOCKING, "-n", "payments", "api", "--from", "partners/deploy/client")
    assert code == 1 and "clients: --from: partners/client\n" in out  # the Deployment's (only) pod
    code, _, err = run(capsys, "svcdebug", "-f", BLOCKING, "-n", "payments", "api", "--from", "client")
    assert code == 2 and "Pod client not found in namespace payments; found partners/" in err


def test_not_found_is_still_a_not_found_error():
    assert issubclass(NameNotFound, NotFoundError)


@pytest.mark.sim
def test_live_every_plugin_says_where_the_name_is_and_takes_workloads(capsys, sim_cluster):
    live = ("--kubeconfig", sim_cluster.kubeconfig, "--context", "sim")  # the context's namespace: default
    for words in (("netpath", "frontend", "svc/backend"), ("netpolicy", "check", "frontend", "shop/backend")):
        code, _, err = run(capsys, *words, *live)
        assert code == 2 and err.startswith("error: Pod frontend not found in namespace default; found "
                                            "shop/deploy/frontend; try: kubectl ")
    code, out, err = run(capsys, "svcdebug", *live, "-n", "shop", "db", "--from", "deploy/frontend", "--no-probe")
    frontend = min(p["metadata"]["name"] for p in sim_cluster.store.list("Pod", "shop")
                   if p["metadata"]["name"].startswith("frontend-"))  # both ready: the first by name
    assert code == 1 and f"clients: --from: shop/{frontend}" in out  # policy denies frontend -> db
    code, out, _ = run(capsys, "netpath", *live, "-A", "db-0", "svc/backend", "--no-probe", "-o", "json")
    assert code in (0, 1) and '"shop/db-0"' in out


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300) | st.from_regex(r"[a-z0-9/:.\-]{0,30}", fullmatch=True))
def test_any_text_parses_or_is_bad_input_never_a_crash(text):
    for parse in (lambda t: parse_ref(t, (*POD_KINDS, "Service")), parse_port, lambda t: parse_seconds(t, "--timeout"),
                  lambda t: split_port(t, "DST")):
        try:
            parse(text)
        except InputError as err:
            assert "\n" not in str(err) and len(str(err)) < 400
    try:
        port = parse_port(text)
    except InputError:
        return
    assert (isinstance(port, int) and 1 <= port <= 65535) or (isinstance(port, str) and 1 <= len(port) <= 15)
