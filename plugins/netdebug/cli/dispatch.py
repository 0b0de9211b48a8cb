"""One entry point for the frozen bundle: the plugin is chosen by the executable's name.

`kubectl-netpath ...` (or kubectl_netpath, netpath.exe) runs netpath; any other name takes
the plugin from the first argument: `netdebug netpath ...`.
"""
import os
import sys

PLUGINS = ("netpath", "netpolicy", "svcdebug")


def plugin_for(argv0: str) -> str | None:
    base = os.path.basename(argv0).lower()
    base = base[:-4] if base.endswith(".exe") else base
    for plugin in PLUGINS:
        if base in (f"kubectl-{plugin}", f"kubectl_{plugin}", plugin):
            return plugin
    return None


def main() -> None:
    argv = sys.argv[1:]
    plugin = plugin_for(sys.argv[0])
    if plugin is None:
        if not argv or argv[0] not in PLUGINS:
            sys.stderr.write(f"usage: netdebug {{{'|'.join(PLUGINS)}}} [ARGS...]\n")
            sys.exit(2)
        plugin, argv = argv[0], argv[1:]
    module = __import__(f"netdebug.cli.{plugin}", fromlist=["main"])
    module.main(argv)


if __name__ == "__main__":
    main()
