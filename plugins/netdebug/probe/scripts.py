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

# Batches: many probes from one container in ONE exec (probe/sweep.py).
# $1 = timeout seconds; then host/port pairs. One line per target: "<exit code> <host> <port> <first line>".
_LOOP = ('t=$1; shift; while [ $# -gt 1 ]; do '
         '{ o=$(%s -v -z -w "$t" "$1" "$2" 2>&1 </dev/null); '
         'printf "%%s %%s %%s %%s\\n" "$?" "$1" "$2" "${o%%%%\n*}"; } & shift 2; done; wait')
SWEEP_LOOPS = {"nc": _LOOP % "nc", "busybox": _LOOP % "busybox nc"}
# Everything one container probes, in ONE python process: TCP connects (non-blocking, all at once), DNS
# lookups (threads), file reads (resolv.conf, the socket tables). $1 = timeout; stdin: the number of
# items, then one item a line ("tcp|HOST|PORT", "dns|NAME", "file|PATH,PATH"): on stdin, not in the
# exec URL, so any number of them fits one exec. One JSON line per item: [index, outcome, detail].
PY_BATCH = """
import errno, json, os, selectors, socket, sys, threading, time
limit, out = float(sys.argv[1]), {}
items = [sys.stdin.readline().rstrip("\\n") for _ in range(int(sys.stdin.readline()))]
missing = (getattr(socket, "EAI_NONAME", -2), getattr(socket, "EAI_NODATA", -5))
def look(index, name):
    try:
        seen = []
        for info in socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM):
            if info[4][0] not in seen:
                seen.append(info[4][0])
        out[index] = ("resolved", " ".join(seen))
    except socket.gaierror as e:
        out[index] = ("nxdomain" if e.args[0] in missing else "dns-error", str(e))
def read(paths):
    return "".join(open(p).read() for p in paths.split(",") if os.path.exists(p))
threads, sel = [], selectors.DefaultSelector()
for index, item in enumerate(items):
    kind, _, rest = item.partition("|")
    if kind == "dns":
        threads.append(threading.Thread(target=look, args=(index, rest), daemon=True))
    elif kind == "file":
        out[index] = ("read", read(rest))
    else:
        host, port = rest.rsplit("|", 1)
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex((host, int(port)))
        if code in (0, errno.EINPROGRESS):
            sel.register(sock, selectors.EVENT_WRITE, index)
        else:
            out[index] = ("refused" if code == errno.ECONNREFUSED else "error", os.strerror(code))
for thread in threads:
    thread.start()
deadline = time.monotonic() + limit
while sel.get_map() and time.monotonic() < deadline:
    for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
        code = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        word = "connected" if code == 0 else "refused" if code == errno.ECONNREFUSED else "error"
        out[key.data] = (word, os.strerror(code) if code else "TCP handshake completed")
        sel.unregister(key.fileobj)
        key.fileobj.close()
for key in list(sel.get_map().values()):
    out[key.data] = ("timeout", "no answer in time")
for thread in threads:
    thread.join(max(0.0, deadline - time.monotonic()))
for index in range(len(items)):
    print(json.dumps([index, *out.get(index, ("dns-error", "the lookup did not finish in time"))]))
"""
