"""Deployments of Bourse for the benchmarks, started from the `bourse` command on loopback.

- `all`: one `bourse serve` (every role in one process), on the memory adapters or `local`.
- `split`: the design's services as separate processes, `local` only: N `bourse serve --role
  api`, one `bourse engine` and one `bourse marketdata`.

In `local` mode the deployment gets a PostgreSQL cluster and a Redis server of its own
(benchmarks.servers), its database migrated first."""

import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from attrs import frozen

from adapters.security.secret_box import SecretBox
from benchmarks.servers import free_port, postgres_server, redis_server
from entrypoints.migrate import migrate

SYMBOL = "BTCUSDT"
START_TIMEOUT_S = 60.0  # on two busy cores a process takes seconds to import and start


@frozen
class Deployment:
    urls: list[str]  # where its api processes answer
    processes: dict[str, int]  # pid by name: all, api1, api2, engine, marketdata, redis, postgres
    database_url: str | None  # None on the memory adapters


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def serving(url: str) -> bool:
    """Up, and its market's book readable (from the engine, or the market data's snapshot)."""
    return answers(f"{url}/api/v3/depth?symbol={SYMBOL}")


@contextlib.contextmanager
def deployment(
    kind: str,
    adapters: str,
    apis: int = 1,
    extra: Mapping[str, str] | None = None,
    wrapper: Sequence[str] = (),
    statements: bool = False,
) -> Iterator[Deployment]:
    """`extra`: more environment for every process of the deployment; `wrapper`: a command
    that every process runs under (valgrind's, for `benchmarks.instructions`); `statements`:
    its database counts each statement (`benchmarks.statements`)."""
    if kind == "split" and adapters != "local":
        raise ValueError("the split deployment runs on PostgreSQL and Redis: --adapters local")
    environment = (
        os.environ
        | dict(extra or {})
        | {
            "BOURSE_WEIGHT_PER_MINUTE": str(10**9),
            "BOURSE_ORDERS_PER_10S": str(10**9),  # the load's few accounts place all its orders
            "BOURSE_FAUCET": "1",
            "BOURSE_WS_CONNECTIONS_PER_ADDRESS": str(10**6),  # every load client is on loopback
            "BOURSE_JWT_SECRET": secrets.token_hex(32),
            "BOURSE_ADAPTERS": adapters,
        }
    )
    processes: dict[str, int] = {}
    database_url = None
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as logs:
        start = _starter(stack, Path(logs), processes, wrapper)
        if adapters == "local":
            redis_url = stack.enter_context(redis_server(processes))
            database_url = stack.enter_context(postgres_server(processes, statements=statements))
            database_url += "/bourse"
            migrate(database_url)
            environment |= {
                "BOURSE_DATABASE_URL": database_url,
                "BOURSE_REDIS_URL": redis_url,
                "BOURSE_SECRET_KEY": SecretBox.new_key(),
            }
        if kind == "all":
            urls = [start("all", ["serve", "--no-bots"], environment, serving)]
        else:
            for role in ("engine", "marketdata"):
                start(role, [role, "--ops-host", "127.0.0.1"], environment, _ready)
            urls = [
                start(f"api{n}", ["serve", "--role", "api"], environment, serving)
                for n in range(1, apis + 1)
            ]
        yield Deployment(urls, processes, database_url)


Check = Callable[[str], bool]
Start = Callable[[str, list[str], dict[str, str], Check], str]


def _starter(
    stack: contextlib.ExitStack, logs: Path, processes: dict[str, int], wrapper: Sequence[str]
) -> Start:
    def start(name: str, arguments: list[str], environment: dict[str, str], up: Check) -> str:
        """Starts `bourse <arguments>` on a free port, and answers its URL once `up` says so."""
        port = free_port()
        flag = "--port" if arguments[0] == "serve" else "--ops-port"
        command = [*wrapper, sys.executable, "-m", "entrypoints.cli", *arguments, flag, str(port),
                   "--log-level", "warning"]  # fmt: skip
        log = logs / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(command, env=environment, stderr=output)
        stack.callback(_stop, process)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: up(url), process)
        except RuntimeError:
            raise RuntimeError(f"{name} did not start: {log.read_text()[-2000:]}") from None
        processes[name] = process.pid
        return url

    return start


def _ready(url: str) -> bool:
    return answers(f"{url}/health/ready")


def wait_until(up: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Returns once `up` says so; raises if the process ends or takes too long to start."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not up():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{process.args!r} did not start")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
