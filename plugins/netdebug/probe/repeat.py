"""--count: repeated TCP connects, UDP exchanges and DNS lookups from one source, in ONE exec.

The script takes every value as an argument. Attempts start `interval` seconds apart (all targets
at once), each bounded by `timeout`, so N attempts cost about N x interval + timeout whatever the
loss; it prints one line per attempt: TARGET_INDEX ATTEMPT OUTCOME MILLISECONDS.
"""
from . import plan as plans

PY_REPEAT = """
import socket, sys, threading, time, errno, os
count, timeout, interval = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
targets = [sys.argv[i:i + 3] for i in range(4, len(sys.argv), 3)]
results, lock = [], threading.Lock()
def attempt(index, n, kind, host, port):
    start = time.time()
    try:
        if kind == "tcp":
            socket.create_connection((host, int(port)), timeout).close()
        elif kind == "udp":
            s = socket.socket(socket.getaddrinfo(host, int(port), 0, socket.SOCK_DGRAM)[0][0], socket.SOCK_DGRAM)
            s.settimeout(timeout); s.connect((host, int(port))); s.send(b"netdebug\\n"); s.recv(2048); s.close()
        else:
            socket.getaddrinfo(host, None, 0, socket.SOCK_STREAM)
        word = "ok"
    except socket.timeout:
        word = "timeout"
    except socket.gaierror:
        word = "dns-error"
    except socket.error as e:
        word = "refused" if e.errno == errno.ECONNREFUSED else "error"
    with lock:
        results.append((index, n, word, (time.time() - start) * 1000))
def later(delay, *args):
    time.sleep(delay)
    attempt(*args)
threads = []
for n in range(count):
    for index, (kind, host, port) in enumerate(targets):
        t = threading.Thread(target=later, args=(n * interval, index, n, kind, host, port))
        t.daemon = True; t.start(); threads.append(t)
deadline = time.time() + count * interval + timeout + 0.5
for t in threads:
    t.join(max(0.0, deadline - time.time()))
with lock:
    done = list(results)
finished = set()
for index, n, word, ms in sorted(done):
    finished.add((index, n))
    sys.stdout.write("%d %d %s %.3f\\n" % (index, n, word, ms))
for index in range(len(targets)):
    for n in range(count):
        if (index, n) not in finished:
            sys.stdout.write("%d %d timeout %.3f\\n" % (index, n, timeout * 1000))
sys.stdout.flush()
os._exit(0)
"""
INTERVAL = 0.02  # seconds between attempts to one target
PYTHONS = ("python3", "python")


def repeat_argv(toolset, targets: list[tuple], count: int, timeout: float) -> list[str] | None:
    """argv for `count` attempts at each (kind, host, port); None when the container has no Python."""
    python = next((tool for tool in PYTHONS if toolset.has(tool)), None)
    if python is None:
        return None
    argv = [python, "-c", PY_REPEAT, str(int(count)), f"{timeout:g}", f"{INTERVAL:g}"]
    for kind, host, port in targets:
        plans.checked_host(host)
        argv += [kind, host, str(plans.checked_port(port) if kind != "dns" else 0)]
    return argv


def parse_attempts(stdout: str, targets: int) -> list[list[tuple]]:
    """Per target, its attempts in the order they were made, as (outcome, milliseconds)."""
    found: list[dict] = [{} for _ in range(targets)]
    for line in stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[0].isdigit() and fields[1].isdigit() and int(fields[0]) < targets:
            found[int(fields[0])][int(fields[1])] = (fields[2], float(fields[3]))
    return [[attempts[n] for n in sorted(attempts)] for attempts in found]


def exec_seconds(count: int, timeout: float) -> float:
    return count * INTERVAL + timeout + 3.0
