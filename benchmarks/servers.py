"""A PostgreSQL cluster and a Redis server of a benchmark's own, each in a new directory on a
free loopback port and gone afterwards: their CPU time is the deployment's alone, and no one
else's test restarts them or flushes their keys mid-measurement. And a moto server, standing in
for AWS on loopback, for the benchmarks and the tests of `aws` mode."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import redis

START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def postgres_server(
    processes: dict[str, int], password: str | None = None, statements: bool = False
) -> Iterator[str]:
    """The server's URL, without a database; its postmaster's pid in `processes`. With a
    `password`, the postgres user must give it (SCRAM), and the URL leaves it out; with
    `statements`, it counts each statement (pg_stat_statements, made by `CREATE EXTENSION`)."""
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
    binaries = Path(found.stdout.strip())
    # PostgreSQL refuses to run as root: then the cluster is the postgres user's.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "data"
        if as_owner:
            shutil.chown(directory, "postgres")
        authentication: list[str | Path] = ["-A", "trust"]
        if password is not None:
            password_file = Path(directory) / "password"
            password_file.write_text(password)
            if as_owner:
                shutil.chown(password_file, "postgres")
            authentication = ["-A", "scram-sha-256", f"--pwfile={password_file}"]
        _run([*as_owner, binaries / "initdb", "-D", data, *authentication, "-U", "postgres",
              "--no-sync"])  # fmt: skip
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data}"
        if statements:
            options += " -c shared_preload_libraries=pg_stat_statements"
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


@contextlib.contextmanager
def moto_server(log_path: Path) -> Iterator[str]:
    """A moto server standing in for AWS (Kinesis, DynamoDB, S3, Secrets Manager); its URL.
    It takes any credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to anything."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _answers(url):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"moto's server did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/moto-api/", timeout=1)
    except httpx.TransportError:
        return False
    return True
