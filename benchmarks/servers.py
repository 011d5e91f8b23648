"""A PostgreSQL cluster and a Redis server of a benchmark's own, each in a new directory on a
free loopback port and gone afterwards: their CPU time is the deployment's alone, and no one
else's test restarts them or flushes their keys mid-measurement."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def postgres_server(processes: dict[str, int]) -> Iterator[str]:
    """The server's URL, without a database; its postmaster's pid in `processes`."""
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
    binaries = Path(found.stdout.strip())
    # PostgreSQL refuses to run as root: then the cluster is the postgres user's.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "data"
        if as_owner:
            shutil.chown(directory, "postgres")
        _run([*as_owner, binaries / "initdb", "-D", data, "-A", "trust", "-U", "postgres",
              "--no-sync"])  # fmt: skip
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data}"
        control: list[str | Path] = [*as_owner, binaries / "pg_ctl", "-D", data, "-w"]
        _run([*control, "-o", options, "-l", data / "log", "start"])
        try:
            processes["postgres"] = int((data / "postmaster.pid").read_text().split()[0])
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}"
        finally:
            _run([*control, "-m", "fast", "stop"])


def _run(command: list[str | Path]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def redis_server(processes: dict[str, int]) -> Iterator[str]:
    """The server's URL; its pid in `processes`."""
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
               "--appendonly", "no"]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _pings(url):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        processes["redis"] = server.pid
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _pings(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.ConnectionError:
        return False
