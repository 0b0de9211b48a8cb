"""Fixed probe scripts. They read host, port, timeout from their arguments, never from their source.

The Python ones run on Python 2.7 and 3, and print one line: an outcome word, then details.
"""

# bash: `$1`/`$2` are positional arguments after `bash -c SCRIPT bash`, expanded inside quotes.
BASH_TCP = 'exec 3<>"/dev/tcp/$1/$2"'

PY_TCP = """
import socket, sys, errno
host, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
try:
    socket.create_connection((host, port), timeout).close()
    print("connected")
except socket.timeout:
    print("timeout")
except socket.gaierror as e:
    print("dns-error %s" % e)
except socket.error as e:
    print(("refused " if e.errno == errno.ECONNREFUSED else "error ") + str(e))
"""

PY_UDP = """
import socket, sys, errno
host, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
try:
    family, _, _, _, address = socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    sock.connect(address)
    sock.send(b"\\n")
    sock.recv(2048)
    print("connected reply received")
except socket.timeout:
    print("timeout")
except socket.gaierror as e:
    print("dns-error %s" % e)
except socket.error as e:
    print(("refused " if e.errno == errno.ECONNREFUSED else "error ") + str(e))
"""

PY_DNS = """
import socket, sys
try:
    seen = []
    for info in socket.getaddrinfo(sys.argv[1], None, 0, socket.SOCK_STREAM):
        if info[4][0] not in seen:
            seen.append(info[4][0])
    print("resolved " + " ".join(seen))
except socket.gaierror as e:
    missing = (getattr(socket, "EAI_NONAME", -2), getattr(socket, "EAI_NODATA", -5))
    print(("nxdomain " if e.args[0] in missing else "dns-error ") + str(e))
"""

PY_HTTP = """
import socket, sys
try:
    from urllib.request import build_opener, ProxyHandler
    from urllib.error import HTTPError, URLError
except ImportError:
    from urllib2 import build_opener, ProxyHandler, HTTPError, URLError
try:
    reply = build_opener(ProxyHandler({})).open(sys.argv[1], timeout=float(sys.argv[2]))
    print("http %d" % reply.getcode())
except HTTPError as e:
    print("http %d" % e.code)
except URLError as e:
    reason = e.reason
    if isinstance(reason, socket.gaierror):
        print("dns-error %s" % reason)
    elif isinstance(reason, socket.timeout) or "timed out" in str(reason):
        print("timeout %s" % reason)
    elif "refused" in str(reason).lower():
        print("refused %s" % reason)
    else:
        print("error %s" % reason)
except socket.timeout as e:
    print("timeout %s" % e)
except Exception as e:
    print("error %s" % e)
"""

PY_CAT = """
import os, sys
for path in sys.argv[1:]:
    if os.path.exists(path):
        sys.stdout.write(open(path).read())
"""
