"""A TCP relay: a port on 127.0.0.1 inside a network namespace -> the same port on this machine's 127.0.0.1.

`python -m tests.sim.relay NETNS_PATH PORT READY_FILE` lets a client in the outside namespace reach
the API server with the kubeconfig's own URL; bytes pass untouched (TLS ends at the API server).
"""
import asyncio
import os
import socket
import sys

from .listeners import enter


def bind_in(netns_path: str, port: int) -> socket.socket:
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        enter(netns_path)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
        return sock
    finally:
        enter(f"/proc/self/fd/{home}")
        os.close(home)


async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        writer.close()


async def serve(sock: socket.socket, port: int, ready_path: str) -> None:
    async def handle(reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))
        up_writer.close()
        writer.close()

    server = await asyncio.start_server(handle, sock=sock)
    with open(ready_path, "w", encoding="utf-8") as stream:
        stream.write("ready\n")
    async with server:
        await server.serve_forever()


def main(netns_path: str, port: str, ready_path: str) -> None:
    sock = bind_in(netns_path, int(port))
    asyncio.run(serve(sock, int(port), ready_path))


if __name__ == "__main__":
    main(*sys.argv[1:4])
