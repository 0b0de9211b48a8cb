"""The mesh kinds from files: a value the API server (the CRD's schema) would reject is one line naming
file:line, the object and the field, exit 2."""
import pytest

from .runner import one_error_line, run

ISTIO = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: bad, namespace: shop}\nspec:\n"
SERVER = "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: bad, namespace: shop}\nspec:\n"


@pytest.mark.parametrize("text,where,message", [
    (ISTIO + "  rules:\n  - from: [{source: {ipBlocks: ['10.0.0.0/33']}}]\n", ":6: AuthorizationPolicy shop/bad: "
     "spec.rules[0].from[0].source.ipBlocks[0]", "'10.0.0.0/33' is not a CIDR"),
    (ISTIO + "  rules: {from: []}\n", ":5: AuthorizationPolicy shop/bad: spec.rules", "must be a list, not object"),
    (ISTIO + "  rules:\n  - to: [{operation: {ports: [8080]}}]\n", ":6: AuthorizationPolicy shop/bad: "
     "spec.rules[0].to[0].operation.ports[0]", "must be a string, not number 8080"),
    (ISTIO + "  rules:\n  - when: [{values: [a]}]\n", ":6: AuthorizationPolicy shop/bad: spec.rules[0].when[0].key",
     "is required"),
    (SERVER + "  podSelector: {matchLabels: {app: x}}\n  port: 70000\n", ":6: Server shop/bad: spec.port",
     "number 70000 is not in 1-65535"),
    ("apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: bad, namespace: shop}\n"
     "spec:\n  server: {name: s}\n  client: {networks: [{cidr: nowhere}]}\n", ":6: ServerAuthorization shop/bad: "
     "spec.client.networks[0].cidr", "'nowhere' is not a CIDR"),
])
@pytest.mark.parametrize("plugin", [("netpath", "shop/a", "shop/b"), ("svcdebug", "web", "-n", "shop")])
def test_bad_mesh_objects_are_one_line_exit_2(tmp_path, text, where, message, plugin):
    path = tmp_path / "mesh.yaml"
    path.write_text(text)
    one_error_line(run(*plugin, "-f", str(path)), 2, f"{path}{where}: {message}")
