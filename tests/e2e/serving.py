"""`bourse serve` in a process of its own on a free loopback port, for what only a real socket
shows: slow, partial and oversized requests, forwarded client addresses. It is stopped when the
test is done, and a client of it never waits longer than `WAIT_S`."""

import json
import os
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from attrs import frozen

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
WAIT_S = 8.0  # longer than any bound under test, far shorter than a connection held for good


@frozen
class Served:
    port: int
    log_path: Path
    ops_port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ops_url(self) -> str | None:
        return None if self.ops_port is None else f"http://127.0.0.1:{self.ops_port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def serving(environment: dict[str, str], log_path: Path, ops: bool = False) -> Iterator[Served]:
    """A memory-mode server reading `environment` besides this process's own, with an ops port
    if `ops`; its log (uvicorn's access log included) goes to `log_path`."""
    port = free_port()
    ops_port = free_port() if ops else None
    command = [sys.executable, "-m", "entrypoints.cli", "serve", "--adapters", "memory"]
    command += ["--no-bots", "--port", str(port), "--log-level", "info"]
    if ops_port is not None:
        command += ["--ops-host", "127.0.0.1", "--ops-port", str(ops_port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            served = Served(port, log_path, ops_port)
            _wait_started(process, served)
            yield served
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_started(process: subprocess.Popen[bytes], served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    with httpx.Client(base_url=served.url, timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{served.log()[-3000:]}")
            try:
                if client.get("/api/v3/ping").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S} s")


@frozen
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


def answer_of(received: bytes) -> Answer:
    head, _, content = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return Answer(int(status_line.split()[1]), json.loads(content), headers)


def read_until_closed(connection: socket.socket, timeout: float = WAIT_S) -> tuple[bytes, float]:
    """All the server sends until it closes the connection, and the seconds that took; what
    came within `timeout` if it keeps the connection open."""
    began = time.monotonic()
    received = b""
    connection.settimeout(timeout)
    try:
        while chunk := connection.recv(65536):
            received += chunk
            connection.settimeout(max(0.01, timeout - (time.monotonic() - began)))
    except TimeoutError:
        return received, float("inf")
    except ConnectionResetError:
        pass
    return received, time.monotonic() - began


def trickle(connection: socket.socket, piece: bytes, seconds: float) -> tuple[bytes, float]:
    """Sends `piece` every 0.1 s until the server answers or closes the connection, for at most
    `seconds`: what the server sent back, and after how long (infinite if nothing came)."""
    began = time.monotonic()
    # A selector, not select(): a worker of the whole suite may hold more than 1,024 files.
    with selectors.DefaultSelector() as watch:
        watch.register(connection, selectors.EVENT_READ)
        while time.monotonic() - began < seconds:
            if watch.select(0.1):
                break
            try:
                connection.sendall(piece)
            except OSError:  # closed: what it answered first is still to be read
                break
        else:
            return b"", float("inf")
    received, _ = read_until_closed(connection)
    return received, time.monotonic() - began
