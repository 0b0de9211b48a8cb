"""Every reproducer from issue 14 ("Why"): bad input is one line naming file:line, object and field, exit 2."""
import textwrap

import pytest

from .runner import one_error_line, run

POD = "apiVersion: v1\nkind: Pod\n"
POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"

CASES = {
    "metadata-a-string": ("kind: Pod\nmetadata: a/b\n", ":2: Pod: metadata: must be an object, not string 'a/b'"),
    "kind-a-list": ("kind: []\nmetadata: {name: x}\n", ":1: object x: kind: must be a string, not list"),
    "list-items-a-string": ("kind: List\nitems: x\n", ":2: List items: must be a list, not string 'x'"),
    "sexagesimal-name": ("apiVersion: v1\nkind: Namespace\nmetadata: {name: 12:30:00}\n",
                         ":3: Namespace 12:30:00: metadata.name: '12:30:00' is not a valid name"),
    "boolean-namespace": (POD + "metadata: {name: web, namespace: yes}\n",
                          "Pod web: metadata.namespace: must be a string, not boolean True (YAML reads it so"),
    "deployment-spec-1e3": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: 1e3\n",
                            ":4: Deployment d: spec: must be an object, not number 1000.0"),
    "node-status-5": ("apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: 5\n",
                      ":4: Node n1: status: must be an object, not number 5"),
    "ingress-paths-70000": ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
                            "spec:\n  rules:\n  - http:\n      paths: [70000]\n",
                            ":7: Ingress i: spec.rules[0].http.paths[0]: must be an object, not number 70000"),
    "binary-name": (POD + "metadata: {name: !!binary '/w=='}\n", ":3: invalid YAML: !!binary is not base64 of UTF-8"),
    "huge-port": ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: " + "9" * 5000 + "}]\n",
                  ":5: Service s: spec.ports[0].port: must be an integer, not string"),
    "duplicate-key": (POLICY + "metadata: {name: p}\nspec:\n  podSelector: {}\n  podSelector: 5\n",
                      ":6: invalid YAML: duplicate key 'podSelector'"),
    "policy-shapes-as-strings": (POLICY + "metadata: {name: p}\nspec:\n  podSelector: \"app=web\"\n"
                                 "  ingress: \"everything\"\n",
                                 ":5: NetworkPolicy p: spec.podSelector: must be an object, not string 'app=web' "
                                 "(and 1 more problem)"),
    "label-key-at": (POD + "metadata: {name: p, labels: {app@b: x}}\n",
                     ":3: Pod p: metadata.labels: label key 'app@b' is not valid"),
    "label-value-dollar": (POD + "metadata: {name: p, labels: {app: $backendservice}}\n",
                           ":3: Pod p: metadata.labels.app: label value '$backendservice' is not valid"),
}
COMMANDS = (("netpolicy", "matrix"), ("netpolicy", "lint"), ("netpolicy", "check", "a", "b"),
            ("netpolicy", "who-can-reach", "a"), ("svcdebug", "s"), ("netpath", "a", "b", "--no-probe"))


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_reproducer_is_bad_input_naming_place_and_field(tmp_path, name, command):
    text, message = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    result = run(command[0], *command[1:], "-f", str(path))
    one_error_line(result, 2, f"{path}{message}" if message.startswith(":") else message)


def test_a_name_that_decodes_to_a_boolean_names_the_field(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text("apiVersion: v1\nkind: Node\nmetadata: {name: n}\n")  # go-yaml v2, like kubectl: n is false
    one_error_line(run("netpolicy", "matrix", "-f", str(path)), 2, "Node: metadata.name: must be a string, not boolean")


def test_a_yaml_alias_bomb_is_refused_fast(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(9)]
    path = tmp_path / "bomb.yaml"
    path.write_text(POD + "metadata: {name: p}\nx:\n" + "".join(f"  {line}\n" for line in lines))
    assert len(path.read_text()) < 1024
    for command in COMMANDS:
        one_error_line(run(command[0], *command[1:], "-f", str(path)), 2, "values built through aliases")


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(POD + "metadata: {name: p}\nx: " + "[" * 300 + "]" * 300 + "\n")
    one_error_line(run("netpolicy", "matrix", "-f", str(path)), 2, f"{path}:4: invalid YAML: nesting deeper than")


def test_typed_list_items_inherit_kind_and_api_version(tmp_path):
    path = tmp_path / "dump.yaml"
    path.write_text(textwrap.dedent("""
        apiVersion: v1
        kind: NamespaceList
        items:
        - metadata: {name: shop, labels: {team: a}}
        ---
        apiVersion: v1
        kind: PodList
        items:
        - metadata: {name: web, namespace: shop, labels: {app: web}}
          status: {podIP: 10.0.0.1}
        - metadata: {name: api, namespace: shop, labels: {app: api}}
          status: {podIP: 10.0.0.2}
        """))
    result = run("netpolicy", "check", "-f", str(path), "shop/web", "shop/api", "--port", "80")
    assert result.code == 0, result.stderr
    assert "ALLOWED" in result.stdout


def test_a_plain_list_item_without_kind_is_bad_input(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("apiVersion: v1\nkind: List\nitems:\n- metadata: {name: web}\n")
    one_error_line(run("netpolicy", "matrix", "-f", str(path)), 2, f"{path}:4: object web: kind: is required")


def test_duplicate_objects_last_wins_with_a_warning_naming_both_places(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(POD + "metadata: {name: web, namespace: shop, labels: {app: old}}\nstatus: {podIP: 10.0.0.1}\n")
    second.write_text("\n" + POD + "metadata: {name: web, namespace: shop, labels: {app: new}}\n"
                      "status: {podIP: 10.0.0.1}\n")
    result = run("netpolicy", "matrix", "-f", str(first), "-f", str(second), "-o", "json")
    assert result.code == 0, result.stderr
    assert f"{second}:2: Pod shop/web is defined again (first at {first}:1)" in result.stderr
    assert result.stdout.count('"shop/web"') >= 1 and "old" not in result.stdout


def test_admin_policies_of_equal_priority_warn(tmp_path):
    anp = "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {{name: {}}}\n" \
          "spec:\n  priority: 5\n  subject: {{namespaces: {{}}}}\n  ingress: []\n"
    path = tmp_path / "anp.yaml"
    path.write_text(anp.format("one") + "---\n" + anp.format("two"))
    result = run("netpolicy", "matrix", "-f", str(path))
    assert result.code == 0, result.stderr
    assert "AdminNetworkPolicy one, two share priority 5" in result.stderr


@pytest.mark.parametrize("command", COMMANDS[2:], ids=lambda c: "-".join(c[:2]))
def test_every_plugin_says_the_duplicate_warning(tmp_path, command):
    path = tmp_path / "twice.yaml"
    path.write_text(POD + "metadata: {name: a, namespace: default}\n---\n" + POD + "metadata: {name: a}\n")
    result = run(command[0], *command[1:], "-f", str(path))
    assert f"warning: {path}:5: Pod default/a is defined again (first at {path}:1)" in result.stderr, result.stderr


def test_null_fields_are_not_set(tmp_path):
    """Found by the fuzzer (benchmarks/fuzz.py, seed 20261203): `labels: null` on a Namespace crashed loading."""
    path = tmp_path / "nulls.yaml"
    path.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: null}\n---\n"
                    + POD + "metadata: {name: web, namespace: shop, labels: ~}\nspec: {containers: null}\nstatus: ~\n")
    result = run("netpath", "pod/web", "pod/web", "--port", "80", "--no-probe", "-o", "yaml", "-n", "shop", "-f", str(path))
    assert result.code in (0, 1) and "error" not in result.stderr, result.stderr
