"""The command bus over Redis Streams: the sending side here, the engine's in
`adapters.redis.command_consumer`.

Each market has a stream of commands, read by the process whose engine holds the market's
lease, in a consumer group: what a reader took and never acknowledged stays pending, and the
next lease holder claims it before it reads anything new; a reader also takes again, every
second, what was delivered to it and never reached it. Each sending process reads the
answers to its commands from a stream of its own, which lapses a minute after the process
stops reading it. An engine acknowledges a command once it has answered it (committed, or
refused with nothing changed); an answer that is lost leaves the sender to time out, and the
command's fate to be read by its client order id."""

import asyncio
import logging
import os
import secrets
import socket
import time
from typing import Any

from adapters.redis.client import UNREACHABLE, reachable
from adapters.redis.gathered import GatheredRedis
from application import metrics
from application.bus import (
    Applied,
    MarketCommand,
    decode_answer,
    encode_delivery,
    symbol_of,
)
from application.engine import MarketEngine
from application.errors import BackendTimeout
from application.ports import Clock
from application.tracing import traceparent

COMMANDS = "bourse:commands:"  # + symbol
ANSWERS = "bourse:answers:"  # + sending process
GROUP = "engines"
READ_BLOCK_MS = 200  # shorter than the client's socket timeout
READ_COUNT = 256
COMMANDS_KEPT = 100_000  # per market: far more than are ever waiting
ANSWERS_KEPT = 10_000
ANSWERS_LAPSE_S = 60  # an answer stream nobody reads any more is gone after this long
KEEP_ANSWERS_EVERY_S = ANSWERS_LAPSE_S / 4  # how often the reader extends its stream's life
RETRY_SECONDS = 0.5
# How often an engine looks for commands delivered to it that never reached it: a read whose
# reply comes after the client's socket timeout (the process paused, its CPU starved) is
# dropped and retried by the client, and what Redis delivered to it stays pending, unseen.
RECOVER_EVERY_S = 1.0
# Python 3.11's asyncio.wait_for, in which the Redis client wraps its writes, drops a
# cancellation that comes as the write completes (CPython gh-86296, fixed in 3.12): the loops
# below also end at their next turn once told to stop, or a stop could wait for ever.

logger = logging.getLogger(__name__)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class RedisCommandBus:
    """The sending side. Commands for a market this process runs an engine for go to that
    engine (as in the `all` role: refused while it stands by); the others over Redis, each
    with an id and a deadline."""

    def __init__(
        self,
        redis: GatheredRedis,
        clock: Clock,
        engines: dict[str, MarketEngine],
        timeout_ms: int,
        acknowledged: dict[str, int],
    ) -> None:
        self._redis = redis
        self._client = redis.client
        self._acknowledged = acknowledged  # per market, the latest sequence answered here
        self._clock = clock
        self._engines = engines
        self._timeout_ms = timeout_ms
        self._name = process_name()
        self._waiting: dict[str, asyncio.Future[Applied | Exception]] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def submit(self, command: MarketCommand) -> Applied:
        symbol = symbol_of(command)
        engine = self._engines.get(symbol)
        if engine is not None:  # this process competes for the market: it serves it or waits
            return await engine.submit(command)
        if self._task is None:
            self._task = asyncio.create_task(self._read_answers(), name="command-answers")
        command_id = secrets.token_hex(16)
        deadline = self._clock.now() + self._timeout_ms
        answer = asyncio.get_running_loop().create_future()
        self._waiting[command_id] = answer
        try:
            with reachable("command bus"):
                delivery = encode_delivery(command_id, deadline, self._name, command, traceparent())
                await self._redis.execute(
                    "XADD", COMMANDS + symbol, "MAXLEN", "~", COMMANDS_KEPT, "*", "d", delivery
                )
            result = await asyncio.wait_for(answer, self._timeout_ms / 1000)
        except TimeoutError:
            metrics.bus_timeouts.labels(symbol).inc()
            raise BackendTimeout() from None
        finally:
            self._waiting.pop(command_id, None)
        if isinstance(result, Exception):
            raise result
        applied: Applied = result
        if applied.sequence > self._acknowledged.get(symbol, 0):
            self._acknowledged[symbol] = applied.sequence
        return applied

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            self._stopping = False

    async def _read_answers(self) -> None:
        key = ANSWERS + self._name
        last = "0-0"
        kept_until = 0.0
        while not self._stopping:
            try:
                found: Any = await self._client.xread({key: last}, count=1000, block=READ_BLOCK_MS)
                if found and time.monotonic() > kept_until:
                    await self._client.expire(key, ANSWERS_LAPSE_S)
                    kept_until = time.monotonic() + KEEP_ANSWERS_EVERY_S
            except UNREACHABLE as error:
                logger.warning("command bus: answers out of reach (%s)", error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for _, entries in found:
                for entry_id, fields in entries:
                    last = entry_id
                    command_id, result = decode_answer(fields[b"a"])
                    waiting = self._waiting.get(command_id)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(result)
