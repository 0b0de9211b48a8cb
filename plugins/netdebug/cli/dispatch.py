"""One entry point for the frozen bundle: the plugin is chosen by the executable's name.

`kubectl-netpath ...` (or kubectl_netpath, netpath.exe) runs netpath; `kubectl_complete-netpath ARGS`
prints completions for netpath the way kubectl >= 1.26 asks for them, as does `kubectl-netpath
__complete ARGS`. Any other name takes the plugin from the first argument: `netdebug netpath ...`;
`netdebug --version` prints the version, `netdebug --self-test` imports every module, the live-mode
client included (a check that a frozen build bundled everything).
"""
import importlib
import os
import sys

from netdebug.cli import startup_cache  # absolute: this file is also run as a script

PLUGINS = ("netpath", "netpolicy", "svcdebug")
COMPLETE_PREFIX = "kubectl_complete-"
COMPLETE_ARG = "__complete"


def plugin_for(argv0: str) -> tuple[str | None, bool]:
    """(plugin, completing) named by the executable; (None, False) for any other name."""
    base = os.path.basename(argv0).lower()
    base = base[:-4] if base.endswith(".exe") else base
    for plugin in PLUGINS:
        if base == COMPLETE_PREFIX + plugin:
            return plugin, True
        if base in (f"kubectl-{plugin}", f"kubectl_{plugin}", plugin):
            return plugin, False
    return None, False


def usage() -> None:
    sys.stderr.write(f"usage: netdebug {{{'|'.join(PLUGINS)}}} [ARGS...]\n"
                     "       netdebug --version | --self-test\n")
    sys.exit(2)


def self_test(rare: bool = True) -> int:
    """Import every netdebug module and the kubernetes client pieces the live mode loads lazily (with
    `rare`, also those only rare kubeconfigs need)."""
    import netdebug

    cache = startup_cache.load()  # the bundle's modules sit in its archive: the build listed them
    names = cache["modules"] if cache else module_names(netdebug.__path__[0], "netdebug")
    if not names:  # a bundle that lost its list would otherwise pass without importing any module
        print(f"self-test failed: no netdebug modules listed or under {netdebug.__path__[0]}", file=sys.stderr)
        return 1
    for name in names:
        importlib.import_module(name)
    client = importlib.import_module("netdebug.kube.library").load_everything(rare)
    print(f"self-test ok: netdebug {netdebug.__version__}, {len(names)} modules, utf8 mode {sys.flags.utf8_mode}, "
          f"live client pieces: {', '.join(sorted(vars(client)))}")
    return 0


def module_names(directory: str, package: str) -> list[str]:
    """Every module under a package directory, from its .py files (source) or .pyc files (the bundle)."""
    names = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        relative = os.path.relpath(root, directory)
        prefix = ".".join([package, *([] if relative == "." else relative.split(os.sep))])
        stems = {name.rsplit(".", 1)[0] for name in files if name.endswith((".py", ".pyc"))}
        names += [prefix if stem == "__init__" else f"{prefix}.{stem}" for stem in sorted(stems)]
    return [name for name in names if name != package]


def main() -> None:
    argv = sys.argv[1:]
    plugin, completing = plugin_for(sys.argv[0])
    if plugin is None:
        if argv[:1] == ["--self-test"]:
            sys.exit(self_test())
        if argv[:1] == ["--version"]:
            from netdebug import __version__

            print(f"netdebug, version {__version__}")
            sys.exit(0)
        if not argv or argv[0] not in PLUGINS:
            usage()
        plugin, argv = argv[0], argv[1:]
    if argv[:1] == [COMPLETE_ARG]:
        completing, argv = True, argv[1:]
    cache = startup_cache.load()
    if cache is not None:
        replayed = None if completing else startup_cache.replay_help(cache, plugin, argv)
        if replayed is not None:
            sys.exit(replayed)
        startup_cache.install(cache)
    module = importlib.import_module(f"netdebug.cli.{plugin}")
    if completing:
        from netdebug.cli.completion import complete

        command = module.command
        if plugin == "netpath" and argv[:1] == ["capture"]:  # `kubectl netpath capture POD`, its own command
            command, argv = importlib.import_module("netdebug.cli.path_sniff").command, argv[1:]
        sys.exit(complete(command, f"kubectl-{plugin}", argv))
    module.main(argv)


if __name__ == "__main__":
    main()
