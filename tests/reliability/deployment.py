"""The design's services as separate processes on one database and one Redis, as `make split`
runs them: engines competing for the markets' leases, the market data, api processes and
optionally a websocket process, each a real `bourse` subprocess."""

import asyncio
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.redis.command_bus import COMMANDS
from tests.reliability.audit import read_rows
from tests.reliability.flow import MARKETS
from tests.reliability.server import ExchangeProcess

STALLED_S = 0.5  # longer than any commit takes on this machine, shorter than a lease TTL
HOLDING_A_LEASE = (
    "SELECT COUNT(*) FROM pg_stat_activity AS activity JOIN pg_locks AS locks "
    "ON locks.pid = activity.pid WHERE activity.datname = current_database() "
    "AND locks.relation = 'market_leases'::regclass AND locks.mode = 'RowExclusiveLock'"
)
STALLED_ON_A_LEASE = (
    f"{HOLDING_A_LEASE} AND activity.state = 'idle in transaction' "
    f"AND now() - activity.state_change > interval '{STALLED_S / 2} seconds'"
)


class Deployment:
    """The first engine is started alone, so that it takes every market; the standby engines
    and the other roles start after it, all at once."""

    def __init__(
        self,
        environment: dict[str, str],
        log_dir: Path,
        apis: int = 2,
        engines: int = 2,
        websocket: bool = False,
        adapters: str = "local",
    ) -> None:
        def process(role: str, name: str) -> ExchangeProcess:
            return ExchangeProcess(environment, log_dir / f"{name}.log", role, adapters)

        self.database_url = environment["BOURSE_DATABASE_URL"]
        self.redis_url = environment["BOURSE_REDIS_URL"]
        self.engines = [process("engine", f"engine{n + 1}") for n in range(engines)]
        self.marketdata = process("marketdata", "marketdata")
        self.apis = [process("api", f"api{n + 1}") for n in range(apis)]
        self.websockets = [process("websocket", "websocket")] if websocket else []

    @property
    def processes(self) -> list[ExchangeProcess]:
        return [*self.engines, self.marketdata, *self.apis, *self.websockets]

    def __enter__(self) -> Self:
        try:
            first, *others = self.processes
            first.start()
            for process in others:
                process.launch()
            for process in others:
                process.wait_answering()
        except BaseException:
            self._kill_all()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._kill_all()

    def _kill_all(self) -> None:
        for process in reversed(self.processes):
            process.__exit__(None, None, None)

    def lease_holders(self) -> dict[str, int]:
        """The pid of the engine process holding each market's unexpired lease (the table
        may hold other roles' leases too)."""
        query = {"leases": "SELECT symbol, owner, expires_at FROM market_leases"}
        rows = read_rows(self.database_url, query)["leases"]
        now = int(time.time() * 1000)
        # The owner is named "host:pid:token" (`entrypoints.container`).
        return {
            symbol: int(owner.split(":")[-2])
            for symbol, owner, expires in rows
            if symbol in MARKETS and expires > now
        }

    def engine_holding_every_market(self) -> ExchangeProcess:
        holders = self.lease_holders()
        pids = {holders.get(symbol) for symbol in MARKETS}
        found = [engine for engine in self.engines if {engine.pid} == pids]
        assert found, f"no engine holds every market: {holders}"
        return found[0]

    def wait_holding(self, engine: ExchangeProcess, timeout: float) -> None:
        """Waits until `engine` holds every market's lease."""
        began = time.monotonic()
        while self.lease_holders() != dict.fromkeys(MARKETS, engine.pid):
            assert time.monotonic() - began < timeout, f"not taken over in {timeout} s"
            time.sleep(0.05)

    def pause_mid_commit(self, engine: ExchangeProcess, attempts: int = 20) -> float:
        """Pauses `engine` (SIGSTOP) at a moment when its transaction holds a market's lease
        row, as a commit does from its fence to its end: each attempt pauses it as soon as a
        lease row is seen held (it may be let go meanwhile: then it resumes and tries again);
        returns when, by time.monotonic(), the pause that landed began."""
        return asyncio.run(self._pause_mid_commit(engine, attempts))

    async def _pause_mid_commit(self, engine: ExchangeProcess, attempts: int) -> float:
        database = create_async_engine(self.database_url, isolation_level="AUTOCOMMIT")
        try:
            async with database.connect() as connection:  # each read sees activity anew
                for _ in range(attempts):
                    watched_since = time.monotonic()
                    while not await connection.scalar(text(HOLDING_A_LEASE)):
                        assert time.monotonic() - watched_since < 10, "no commit in 10 s"
                    paused_at = time.monotonic()
                    engine.pause()
                    await asyncio.sleep(STALLED_S)
                    if await connection.scalar(text(STALLED_ON_A_LEASE)):
                        return paused_at
                    engine.resume()
                    await asyncio.sleep(0.1)
        finally:
            await database.dispose()
        raise AssertionError(f"no pause of {attempts} landed in a commit")

    def wait_commands_taken(self, timeout: float) -> None:
        """Waits until the engines have read and answered every command sent over the bus."""
        client = redis.Redis.from_url(self.redis_url)
        began = time.monotonic()
        try:
            while not all(_answered(client, COMMANDS + symbol) for symbol in MARKETS):
                assert time.monotonic() - began < timeout, f"commands left after {timeout} s"
                time.sleep(0.05)
        finally:
            client.close()

    def tracebacks(self) -> dict[str, int]:
        return {process.log_path.stem: process.tracebacks() for process in self.processes}

    def log_tails(self) -> str:
        return "\n".join(
            f"--- {process.log_path.stem}\n{process.log_tail(15)}" for process in self.processes
        )


def _answered(client: redis.Redis, stream: str) -> bool:
    groups: list[dict[str, Any]] = client.xinfo_groups(stream)
    return all(group["pending"] == 0 and group["lag"] == 0 for group in groups)
