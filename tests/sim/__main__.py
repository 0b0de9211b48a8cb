"""`python -m tests.sim up SCENARIO [--name NAME] | down [--name NAME] | list`.

`up` starts a detached process that owns the run (API server thread, listeners, dnsmasq) and returns
once the cluster answers, printing the kubeconfig path; `down` stops that process and sweeps the
run's prefix, so it also cleans up after a crash.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

from .registry import Registry, check_name, is_stale, runs, state_dir, sweep

UP_TIMEOUT = 60


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        check_name(getattr(args, "name", None) or "sim")
        return args.run(args)
    except (ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.sim", description="simulated Kubernetes cluster")
    commands = parser.add_subparsers(required=True)
    up = commands.add_parser("up", help="start a scenario; prints the kubeconfig path")
    up.add_argument("scenario", nargs="+", help="scenario dirs/files (several are combined)")
    up.add_argument("--name", default="sim")
    up.set_defaults(run=_up)
    down = commands.add_parser("down", help="stop a run and remove everything it made")
    down.add_argument("--name", default=None, help="default: every run")
    down.add_argument("--stale", action="store_true", help="only runs whose owner process is gone")
    down.set_defaults(run=_down)
    listing = commands.add_parser("list", help="runs on this machine")
    listing.set_defaults(run=_list)
    serve = commands.add_parser("serve", help=argparse.SUPPRESS)
    serve.add_argument("scenario", nargs="+")
    serve.add_argument("--name", default="sim")
    serve.set_defaults(run=_serve)
    return parser


def _up(args) -> int:
    from . import preflight
    if preflight.missing_packages():
        raise RuntimeError(preflight.missing_packages())
    from . import scenario
    from .cluster import served_kinds
    scenario.load(args.scenario, served_kinds())  # bad input fails here, in the foreground
    reason = preflight.problem()
    if reason:
        raise RuntimeError(reason)
    if args.name in runs():
        if not is_stale(args.name):
            raise RuntimeError(f"{args.name!r} is already up; `python -m tests.sim down --name {args.name}` first")
        sweep(args.name)  # what a crashed run of this name left (its old kubeconfig must not be printed)
    log = f"/tmp/netdebug-sim-{args.name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.sim", "serve", *args.scenario, "--name", args.name],
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=_repo())
    deadline = time.monotonic() + UP_TIMEOUT
    while time.monotonic() < deadline:
        kubeconfig = Registry(args.name).read().get("kubeconfig")
        if kubeconfig and os.path.exists(kubeconfig):
            os.unlink(log)
            print(kubeconfig)
            return 0
        if process.poll() is not None:
            break
        time.sleep(0.05)
    with open(log, encoding="utf-8", errors="replace") as stream:
        tail = stream.read().strip().splitlines()[-1:] or ["no output"]
    os.unlink(log)
    if process.poll() is None:
        process.terminate()
    sweep(args.name)
    raise RuntimeError(f"simulated cluster {args.name!r} did not start: {tail[0]}")


def _serve(args) -> int:
    from .cluster import SimCluster
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    try:
        sim = SimCluster.start(args.scenario, args.name)
    except Exception as err:  # the `up` process shows this line
        print(f"{type(err).__name__}: {err}", flush=True)
        return 1
    try:
        while not stop:
            time.sleep(0.2)
    finally:
        sim.stop()
    return 0


def _down(args) -> int:
    names = [args.name] if args.name else runs()
    for name in (n for n in names if not args.stale or is_stale(n)):
        owner = Registry(name).read().get("owner")
        if not is_stale(name) and not _is_serve(owner):
            print(f"left alone: {name} belongs to a running process (pid {owner}) that stops it itself")
            continue
        if not is_stale(name):
            os.kill(owner, signal.SIGTERM)
            _wait_gone(owner)
        sweep(name)
        print(f"down: {name}")
    return 0


def _is_serve(pid: int) -> bool:
    """Only an owner started by `up` is ours to stop (a test session's owner is pytest itself)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as stream:
            return b"tests.sim\0serve" in stream.read()
    except OSError:
        return False


def _wait_gone(pid: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)


def _list(_args) -> int:
    for name in runs():
        data = Registry(name).read()
        print(f"{name}\t{'stale' if is_stale(name) else 'up'}\t{data.get('kubeconfig') or state_dir(name)}")
    return 0


def _repo() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


if __name__ == "__main__":
    sys.exit(main())
