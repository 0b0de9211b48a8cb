"""The fuzzer shared by the CI test (test_fuzz.py) and the large run (benchmarks/fuzz.py).

An input is a mutated cluster (the seed cluster with values replaced, removed or added, objects
duplicated, wrapped in Lists, documents turned to junk, YAML text spliced with aliases, tags and
YAML 1.1 scalars) plus one command line of one plugin with mutated arguments. Every input runs
in-process; `check` asserts what must hold for any input.
"""
import copy
import json
import signal

import yaml
from hypothesis import strategies as st

from .runner import run
from .seed_cluster import seed_objects

SECONDS_PER_INPUT = 20
ENDPOINTS = ("shop/web", "web", "pod/web", "deploy/web", "svc/web", "svc/web:80", "shop/api", "other/client",
             "shop/host", "10.0.0.1", "192.0.2.1", "ingress-controller", "pod/x", "a/b/c", "", "svc/web:²",
             "svc/web:70000", "deploy/", "10.0.0.0/8", "shop/web:http", "٣", "shop/web:08")
PORTS = ("80", "8080", "http", "70000", "0", "-1", "²", "٣", "99999999999999999999", "", "a" * 20, "53")
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=True),
    TEXT, st.sampled_from(["", "None", "10.0.0.1", "10.0.0.0/33", "::1", "app@b", "$x", "a/b",
                                           "TCP", "SCTP", "ICMP", "http", "In", "Exists", "Bogus", "0", "65536",
                                           "-", "a" * 70, "kube-system", "yes", "12:30:00", "1e3"]))
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(TEXT, inner, max_size=3)),
                    max_leaves=6)
ENDPOINTS_TEXT = st.text(max_size=10)
CONTROLLERS = ("shop/app=web", "*/app=web", "ingress-nginx/app.kubernetes.io/name=x", "bad", "/", "shop/a b", "*/")
CLUSTER = "@cluster"  # stands for the mutated cluster's file in an argument list
YAML_SPLICES = ("&a x", "*a", "*nope", "!!binary 'aGVsbG8='", "!!binary '@@'", "<<: {}", "? [a]\n: b", "12:30:00",
                "yes", "~", "\t", "{", "]", "---", "%YAML 1.1", "'", "!!python/object:os.system x", "- -", ": :",
                "&b [*b]", "9" * 5000, "0x_", "!!int x", "!!float y", "!!timestamp 2001-01-01", "\x00", "\ufeff")


@st.composite
def clusters(draw) -> str:
    objects = seed_objects()
    for _ in range(draw(st.integers(0, 3))):
        _mutate_object(draw, objects)
    for _ in range(draw(st.integers(0, 1))):
        _mutate_document(draw, objects)
    text = _serialize(draw, objects)
    if draw(st.integers(0, 9)) == 0:
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(YAML_SPLICES)))
        text = "\n".join(lines)
    return text


def _mutate_object(draw, objects: list) -> None:
    holder, key = _random_place(draw, draw(st.sampled_from(objects)))
    action = draw(st.sampled_from(("similar", "similar", "similar", "replace", "delete", "add")))
    if action == "similar" and isinstance(holder, (dict, list)):
        holder[key] = _similar(draw, holder[key])
    elif action == "delete" and isinstance(holder, dict):
        holder.pop(key, None)
    elif action == "add" and isinstance(holder, dict):
        holder[draw(st.sampled_from(["x", "name", "port", "kind", "ports", "items", "selector", "ip"]))] = draw(JUNK)
    elif isinstance(holder, (dict, list)):
        holder[key] = draw(JUNK)


def _similar(draw, value):
    """A value of the same type, often still valid: the core gets to work on it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return draw(st.sampled_from([0, 1, 53, 80, 443, 8080, 9090, 65535, 65536, -1]))
    if isinstance(value, str):
        return draw(st.sampled_from(["web", "api", "shop", "other", "http", "dns", "", "10.0.0.2", "0.0.0.0/0",
                                     "UDP", "NotIn", "Exists", "Egress", "Ingress", "None", "team", "n1",
                                     "k8s.io/ingress-nginx", "Deny", "Allow", "Pass", "LoadBalancer", "NodePort"]))
    if isinstance(value, list) and value:
        return value + value[:1] if draw(st.booleans()) else value[1:]
    return value


def _random_place(draw, value):
    """A (container, key) somewhere inside `value`, reached by a random walk."""
    holder, key = None, None
    for _ in range(draw(st.integers(1, 7))):
        if isinstance(value, dict) and value:
            holder, key = value, draw(st.sampled_from(sorted(value, key=str)))
        elif isinstance(value, list) and value:
            holder, key = value, draw(st.integers(0, len(value) - 1))
        else:
            break
        value = holder[key]
    return holder, key


def _mutate_document(draw, objects: list) -> None:
    index = draw(st.integers(0, len(objects) - 1))
    how = draw(st.sampled_from(("duplicate", "typed-list", "list", "junk", "drop-kind")))
    obj = objects[index]
    if how == "duplicate":
        objects.append(copy.deepcopy(obj))
    elif how in ("typed-list", "list"):
        kind = obj.get("kind")
        item = {k: v for k, v in obj.items() if how == "list" or k not in ("kind", "apiVersion")}
        objects[index] = {"apiVersion": obj.get("apiVersion"), "items": [item],
                          "kind": f"{kind}List" if how == "typed-list" and isinstance(kind, str) else "List"}
    elif how == "junk":
        objects[index] = draw(JUNK)
    else:
        obj.pop("kind", None)


def _serialize(draw, objects: list) -> str:
    if draw(st.booleans()):
        return yaml.safe_dump_all(objects, sort_keys=False, allow_unicode=True)
    return "\n".join(json.dumps(obj, default=str, ensure_ascii=False) + "\n---" for obj in objects)


@st.composite
def command_lines(draw) -> tuple[str, list[str]]:
    valid = st.sampled_from(ENDPOINTS[:12])
    endpoint = st.one_of(valid, valid, valid, st.sampled_from(ENDPOINTS), ENDPOINTS_TEXT)
    port = st.one_of(st.sampled_from(PORTS[:3]), st.sampled_from(PORTS))
    plugin = draw(st.sampled_from(("netpolicy", "netpolicy", "netpolicy", "svcdebug", "netpath")))
    if plugin == "svcdebug":
        argv = [draw(endpoint)] + draw(st.sampled_from([[], ["--port", draw(port)], ["--from", draw(endpoint)]]))
    elif plugin == "netpath":
        argv = [draw(endpoint), draw(endpoint), "--no-probe"] + draw(st.sampled_from([[], ["--port", draw(port)]]))
    else:
        argv = _netpolicy_argv(draw, endpoint, port)
    extra = draw(st.lists(st.sampled_from([["-n", "shop"], ["-A"], ["-o", "json"], ["-o", "yaml"], ["-o", "wide"],
                                           ["-l", "app=web"], ["-l", "a b c"], ["-n", "Bad_NS"], ["--no-color"]]),
                          max_size=2))
    return plugin, argv + [arg for pair in extra for arg in pair]


def _netpolicy_argv(draw, endpoint, port) -> list[str]:
    sub = draw(st.sampled_from(("check", "matrix", "lint", "explain", "exposure", "who-can-reach", "reachable-from",
                                "ingress", "diff")))
    if sub == "diff":  # the mutated cluster is the change, the seed cluster the base
        return [sub, "--after", CLUSTER]
    if sub == "ingress":
        return [sub] + draw(st.sampled_from([[], ["--ingress-controller", draw(st.sampled_from(CONTROLLERS))]]))
    if sub == "check":
        return [sub, draw(endpoint), draw(endpoint)] + draw(st.sampled_from([[], ["--port", draw(port)]]))
    if sub in ("who-can-reach", "reachable-from"):
        return [sub, draw(endpoint)] + draw(st.sampled_from([[], ["--port", draw(port)]]))
    return [sub]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def check(path, text: str, plugin: str, argv: list[str]) -> int:
    """Run one input; assert the promises that hold for every input. Returns the exit code."""
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    files = ["-f", str(path)]
    if CLUSTER in argv:
        seed = path.with_name("seed.yaml")
        if not seed.exists():
            seed.write_text(yaml.safe_dump_all(seed_objects(), sort_keys=False))
        argv, files = [str(path) if arg == CLUSTER else arg for arg in argv], ["-f", str(seed)]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS_PER_INPUT)
    try:
        result = run(plugin, *argv, *files)
    except Hang:
        raise AssertionError(f"hang: more than {SECONDS_PER_INPUT} s for {plugin} {argv}") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    where = f"{plugin} {argv}: exit {result.code}\n{result.stderr[-2000:]}"
    assert result.code in (0, 1, 2, 3), where
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, where
    if result.code == 2:
        lines = result.stderr.strip().splitlines()
        assert 1 <= len(lines) <= 4, where
    return result.code
