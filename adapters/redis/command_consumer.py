"""The engine's side of the command bus over Redis Streams (`adapters.redis.command_bus`):
a consumer per market, taking the market's commands while its engine holds the lease, and
answering each once committed or refused."""

import asyncio
import contextlib
import logging
import time
from typing import Any

from redis.exceptions import ResponseError

from adapters.redis.client import UNREACHABLE
from adapters.redis.command_bus import (
    ANSWERS,
    ANSWERS_KEPT,
    COMMANDS,
    GROUP,
    READ_BLOCK_MS,
    READ_COUNT,
    RECOVER_EVERY_S,
    RETRY_SECONDS,
)
from adapters.redis.gathered import GatheredRedis
from application import metrics
from application.bus import (
    Applied,
    Delivery,
    decode_delivery,
    encode_answer,
)
from application.engine import MarketEngine
from application.errors import ApplicationError, Unavailable
from application.tracing import origin_of, span
from domain.errors import DomainError

logger = logging.getLogger(__name__)


class RedisCommandConsumer:
    """The engine's side, for one market: takes its commands while this process's engine holds
    the market's lease, first claiming those its predecessor took and never answered."""

    def __init__(self, redis: GatheredRedis, engine: MarketEngine, name: str) -> None:
        self._redis = redis
        self._client = redis.client
        self._engine = engine
        self._name = name
        self._key = COMMANDS + engine.symbol
        self._in_flight: dict[str, asyncio.Future[Applied]] = {}
        self._answering: set[asyncio.Task[None]] = set()
        self._taken: set[bytes] = set()  # entries being answered
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # How long the newest commands read had waited in the stream; 0 once a read finds none.
        self.lag_s = 0.0

    @property
    def engine(self) -> MarketEngine:
        return self._engine

    @property
    def symbol(self) -> str:
        return self._engine.symbol

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"commands-{self._engine.symbol}")

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            self._stopping = False

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        claimed = False
        recovered_at = loop.time()
        while not self._stopping:
            if not self._engine.serving:
                claimed = False
                await asyncio.sleep(READ_BLOCK_MS / 1000)
                continue
            try:
                if not claimed:
                    await self._join()
                    await self._claim()
                    claimed = True
                if loop.time() - recovered_at >= RECOVER_EVERY_S:
                    await self._recover()
                    recovered_at = loop.time()
                found: Any = await self._client.xreadgroup(
                    GROUP, self._name, {self._key: ">"}, count=READ_COUNT, block=READ_BLOCK_MS
                )
            except UNREACHABLE as error:
                logger.warning("command bus: %s out of reach (%s)", self._key, error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if not found:
                self.lag_s = 0.0
            for _, entries in found:
                self._take(entries)

    async def _join(self) -> None:
        with contextlib.suppress(ResponseError):  # BUSYGROUP: the group is there already
            await self._client.xgroup_create(self._key, GROUP, id="0", mkstream=True)

    async def _claim(self) -> None:
        """What earlier lease holders took and never answered, oldest first."""
        start = "0-0"
        while True:
            claimed: Any = await self._client.xautoclaim(
                self._key, GROUP, self._name, min_idle_time=0, start_id=start, count=READ_COUNT
            )
            start, entries = claimed[0], claimed[1]
            self._take(entries)
            if start in (b"0-0", "0-0"):
                return

    async def _recover(self) -> None:
        """The entries pending to this engine that it is not answering, oldest first."""
        start: bytes | str = "0"
        while True:
            found: Any = await self._client.xreadgroup(
                GROUP, self._name, {self._key: start}, count=READ_COUNT
            )
            entries = found[0][1] if found else []
            if not entries:
                return
            self._take(entries)
            start = entries[-1][0]

    def _take(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        """Queues the commands in the stream's order, at once, and answers each when done."""
        for entry_id, fields in entries:
            if fields is None:  # trimmed away while pending: long past its deadline
                continue
            if entry_id in self._taken:
                continue
            self._taken.add(entry_id)
            delivery, command = decode_delivery(fields[b"d"])
            sent_ms = int(entry_id.split(b"-", 1)[0])  # the id Redis gave: its clock at XADD
            self.lag_s = max(0.0, time.time() - sent_ms / 1000)
            metrics.child(metrics.bus_lag_seconds, self._engine.symbol).observe(self.lag_s)
            answer = self._in_flight.get(delivery.command_id)
            if answer is None:  # the same command delivered twice waits for one answer
                origin = origin_of(delivery.traceparent)
                answer = self._engine.enqueue(
                    command, delivery.command_id, delivery.deadline, origin
                )
                self._in_flight[delivery.command_id] = answer
            task = asyncio.create_task(self._answer(entry_id, delivery, answer))
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)

    async def _answer(
        self, entry_id: bytes, delivery: Delivery, answer: "asyncio.Future[Applied]"
    ) -> None:
        command_id, reply_to = delivery.command_id, delivery.reply_to
        applied: Applied | None = None
        refusal: Exception | None = None
        try:
            applied = await asyncio.shield(answer)
        except (DomainError, ApplicationError) as error:
            refusal = error
        except Exception as error:
            logger.exception("command %s failed", command_id)
            refusal = Unavailable(str(error))
        finally:
            self._in_flight.pop(command_id, None)
        recorded = applied.recorded if applied is not None else None
        encoded = recorded or encode_answer(command_id, applied, refusal)
        try:
            with span("bus.reply", origins=[origin_of(delivery.traceparent)]):
                # With the other answers of the batch, which come in the same turn of the loop.
                await asyncio.gather(
                    self._redis.execute("XACK", self._key, GROUP, entry_id),
                    self._redis.execute(
                        "XADD", ANSWERS + reply_to, "MAXLEN", "~", ANSWERS_KEPT, "*", "a", encoded
                    ),
                )
        except UNREACHABLE as error:
            # Left pending: answered again, from the record, by this engine's next recovery or
            # the next lease holder.
            logger.warning("command bus: answer to %s lost (%s)", command_id, error)
        finally:
            self._taken.discard(entry_id)
