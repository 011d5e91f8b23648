"""Redis commands gathered per turn of the event loop: what the requests in flight send to
Redis in one turn goes as one pipeline, one connection taken from the pool and one write for
all, instead of a connection, a write and a read for each.

The pipeline is not a transaction: each command runs on its own, as if sent alone, and each
caller gets its own reply or error. A connection lost fails every command of the pipeline
with it, as it would have failed each of them sent alone."""

import asyncio
from collections.abc import Sequence
from typing import Any

import redis.asyncio as redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

Waiting = list[tuple[tuple[Any, ...], "asyncio.Future[Any]"]]


class GatheredRedis:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._waiting: Waiting = []
        self._sending: set[asyncio.Task[None]] = set()

    def execute(self, *args: Any) -> "asyncio.Future[Any]":
        """Sends the command with the others of this turn; the future is its reply."""
        loop = asyncio.get_running_loop()
        if not self._waiting:
            loop.call_soon(self._send)
        reply: asyncio.Future[Any] = loop.create_future()
        self._waiting.append((args, reply))
        return reply

    async def script(self, script: AsyncScript, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        """Runs a registered script by its hash; one the server has not seen yet (a Redis
        restarted since) is loaded and run again, on its own."""
        try:
            return await self.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await script(keys=keys, args=args)

    def _send(self) -> None:
        waiting, self._waiting = self._waiting, []
        task = asyncio.create_task(self._execute(waiting), name="redis-gathered")
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _execute(self, waiting: Waiting) -> None:
        try:
            async with self.client.pipeline(transaction=False) as pipeline:
                for args, _ in waiting:
                    pipeline.execute_command(*args)
                replies = await pipeline.execute(raise_on_error=False)
        except BaseException as error:
            for _, reply in waiting:
                if not reply.done():
                    reply.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for (_, reply), answer in zip(waiting, replies, strict=True):
            if reply.done():  # its caller went away
                continue
            if isinstance(answer, Exception):
                reply.set_exception(answer)
            else:
                reply.set_result(answer)
