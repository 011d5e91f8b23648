"""A TCP proxy on loopback that delays every chunk each way by a fixed time, in a process of
its own: a database as far from its clients as another host in the same region is (about
0.5 ms each way on AWS), for benchmarks that otherwise talk to it on loopback.

    python -m benchmarks.latency_proxy TARGET_PORT DELAY_MS   (prints its port, then serves)
"""

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Forwards what comes, each chunk `delay` after it came, in order."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, chunk = await chunks.get()
            if not chunk:
                break
            await asyncio.sleep(max(0.0, due - loop.time()))
            writer.write(chunk)
            await writer.drain()
        writer.close()

    delivering = asyncio.create_task(deliver())
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(65536):
            chunks.put_nowait((loop.time() + delay, chunk))
    chunks.put_nowait((loop.time() + delay, b""))
    await delivering


async def _serve(target_port: int, delay: float) -> None:
    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(
            _pipe(reader, upstream_writer, delay),
            _pipe(upstream_reader, writer, delay),
            return_exceptions=True,
        )

    server = await asyncio.start_server(forward, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


@contextlib.contextmanager
def latency_proxy(target_port: int, delay_ms: float) -> Iterator[int]:
    """A proxy to `target_port` while in the block; its port."""
    command = [sys.executable, "-m", "benchmarks.latency_proxy", str(target_port), str(delay_ms)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), float(sys.argv[2]) / 1000))
