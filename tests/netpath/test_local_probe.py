"""Probes from this machine (SRC `external`): real sockets against a listener on 127.0.0.1."""
import http.server
import socket
import threading

import pytest

from netdebug.cli.path_probe import local_http, local_tcp


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    httpd.RequestHandlerClass.log_message = lambda *args: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_tcp_connected_and_refused(server):
    assert local_tcp("127.0.0.1", server, 1.0)["outcome"] == "connected"
    assert local_tcp("127.0.0.1", closed_port(), 1.0)["outcome"] == "refused"


def test_http_status(server):
    result = local_http("127.0.0.1", server, "/no-such-file", 1.0)
    assert (result["outcome"], result["detail"]) == ("http", "404")
    assert local_http("127.0.0.1", closed_port(), "/", 1.0)["outcome"] == "refused"
