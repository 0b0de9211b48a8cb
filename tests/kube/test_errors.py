"""Error translation: exec status channel, websocket handshake failures, transport causes."""
import json

from netdebug.kube.errors import transport_reason
from netdebug.kube.exec import handshake_error, parse_status


class Failure(Exception):
    def __init__(self, reason, status=0):
        super().__init__(reason)
        self.reason, self.status = reason, status


def test_exec_status_channel():
    assert parse_status('{"status":"Success"}') == (0, None)
    failure = {"status": "Failure", "reason": "NonZeroExitCode",
               "details": {"causes": [{"reason": "ExitCode", "message": "7"}]}}
    assert parse_status(json.dumps(failure)) == (7, None)
    missing = {"status": "Failure", "reason": "InternalError",
               "message": 'OCI runtime exec failed: exec: "nc": executable file not found in $PATH: unknown'}
    assert parse_status(json.dumps(missing)) == (None, missing["message"])
    assert parse_status("")[0] is None and "without reporting a status" in parse_status("")[1]


def test_handshake_errors_keep_the_status_and_the_servers_message():
    body = json.dumps({"kind": "Status", "message": 'pods "web" is forbidden: User "u" cannot create "pods/exec"'})
    err = Failure(f"Handshake status 403 Forbidden -+-+- {{'content-type': 'application/json'}} -+-+- {body}")
    assert handshake_error(err) == 'exec forbidden (403): pods "web" is forbidden: User "u" cannot create "pods/exec"'
    assert handshake_error(Failure("[Errno 111] Connection refused")) == "exec failed: [Errno 111] Connection refused"


def test_transport_reasons():
    assert transport_reason(Failure("HTTPSConnectionPool(host='x', port=1): Max retries exceeded (Caused by "
                                    "NewConnectionError('...: Failed to establish a new connection: "
                                    "[Errno 111] Connection refused'))")) == "connection refused"
    tls = ("Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
           "certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)')))")
    assert transport_reason(Failure(tls)) == ("TLS handshake failed: certificate verify failed: "
                                              "self-signed certificate in certificate chain")
    assert transport_reason(Failure("Read timed out. (read timeout=0.5)")) == "timed out"


def test_a_plural_two_groups_share_is_named_with_its_group():
    """Istio's and Linkerd's AuthorizationPolicy are both `authorizationpolicies`: RBAC tells them apart by group."""
    from netdebug.kube.resources import resource_for
    from netdebug.model.kinds import LINKERD_AUTHORIZATION_POLICY

    assert resource_for("AuthorizationPolicy").rbac_name == "authorizationpolicies.security.istio.io"
    assert resource_for(LINKERD_AUTHORIZATION_POLICY).rbac_name == "authorizationpolicies.policy.linkerd.io"
    assert resource_for("Pod").rbac_name == "pods" and resource_for("Server").rbac_name == "servers"
