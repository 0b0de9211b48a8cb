"""The container runtime the fake API server calls: exec inside the pod's network namespace.

A container sees the machine's own tools, or only those its `sim.netdebug.io/tools` annotation (or
its image, for debug containers) allows: PATH then points at a directory of symlinks to just those
binaries, so `sh -c 'curl ...'` cannot find curl either.
"""
import asyncio
import os
import shutil

from tests.sim.apiserver import BinaryNotFound, ExecUnavailable

from . import behaviour
from .netns import SYSTEM_PATH, binary



class SimRuntime:
    def __init__(self, plane):
        self.plane = plane  # dataplane.DataPlane: netns names, state dir, DNS logs

    async def spawn(self, pod: dict, container: str, argv: list[str]) -> asyncio.subprocess.Process:
        spec = _container(pod, container)
        if spec is None:
            raise ExecUnavailable(f'container {container} is not valid for pod {pod["metadata"]["name"]}')
        netns = self.plane.netns_of(pod)
        if netns is None or not _running(pod, container):
            raise ExecUnavailable("error executing command in container: container is not created or running")
        path = self.tool_path(pod, spec)
        program = _resolve(argv[0], path)
        if program is None:
            raise BinaryNotFound.for_binary(argv[0], self.plane.container_id(pod, container))
        env = {"PATH": path, "HOME": "/root", "HOSTNAME": pod["metadata"]["name"], "LANG": "C.UTF-8"}
        return await asyncio.create_subprocess_exec(
            binary("ip"), "netns", "exec", netns, program, *argv[1:], env=env, cwd="/",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)

    def logs(self, pod: dict, container: str) -> list[str]:
        lines = behaviour.log_lines(pod, container)
        if lines is not None:
            return lines
        if behaviour.is_dns_pod(pod):
            return self.plane.dns_log(pod)
        spec = _container(pod, container) or {}
        return [f"listening on :{p.number}/{p.protocol}" for p in behaviour.listening(pod, spec)] \
            if "containers" in pod["spec"] and spec in pod["spec"]["containers"] else []

    def container_added(self, pod: dict, container: dict) -> None:
        self.tool_path(pod, container)

    def tool_path(self, pod: dict, container: dict) -> str:
        """SYSTEM_PATH, or a per-container directory holding only the allowed binaries."""
        allowed = behaviour.tools(pod, container)
        if allowed is None:
            return SYSTEM_PATH
        directory = self.plane.file("tools", pod["metadata"]["namespace"], pod["metadata"]["name"], container["name"])
        if not os.path.isdir(directory):
            os.makedirs(directory)
            for tool in allowed:
                found = shutil.which(tool, path=SYSTEM_PATH)
                if found:
                    os.symlink(found, os.path.join(directory, tool))
        return directory


def _container(pod: dict, name: str) -> dict | None:
    spec = pod.get("spec") or {}
    for key in ("containers", "ephemeralContainers", "initContainers"):
        for container in spec.get(key) or []:
            if container.get("name") == name:
                return container
    return None


def _running(pod: dict, name: str) -> bool:
    status = pod.get("status") or {}
    for key in ("containerStatuses", "ephemeralContainerStatuses"):
        for entry in status.get(key) or []:
            if entry.get("name") == name:
                return "running" in (entry.get("state") or {})
    return any(c.get("name") == name for c in (pod.get("spec") or {}).get("ephemeralContainers") or [])


def _resolve(program: str, path: str) -> str | None:
    """argv[0] as the container would find it: a bare name on PATH, or a path whose name is allowed."""
    if "/" in program:
        name = os.path.basename(program)
        if path != SYSTEM_PATH:
            return os.path.join(path, name) if os.path.exists(os.path.join(path, name)) else None
        return program if os.access(program, os.X_OK) else None
    return shutil.which(program, path=path)
