"""Redis commands gathered per turn of the event loop: sent as one pipeline, each caller given
its own reply or error, scripts loaded again when the server has forgotten them."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis
from redis.exceptions import ResponseError

from adapters.redis.client import UNREACHABLE, connect
from adapters.redis.gathered import GatheredRedis

COUNTER = "bourse:test:gathered"


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[redis.Redis]:
    client = connect(redis_url)
    await client.delete(COUNTER, COUNTER + ":text")
    yield client
    await client.delete(COUNTER, COUNTER + ":text")
    await client.aclose()


async def test_the_commands_of_one_turn_go_as_one_pipeline(client: redis.Redis) -> None:
    gathered = GatheredRedis(client)
    sent: list[int] = []
    execute = client.pipeline().__class__.execute

    async def counted(pipeline: object, raise_on_error: bool = True) -> list[object]:
        sent.append(len(pipeline.command_stack))  # type: ignore[attr-defined]
        return await execute(pipeline, raise_on_error=raise_on_error)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(client.pipeline().__class__, "execute", counted)
        replies = await asyncio.gather(*(gathered.execute("INCR", COUNTER) for _ in range(50)))
        later = await gathered.execute("GET", COUNTER)
    assert sorted(replies) == list(range(1, 51))
    assert int(later) == 50
    assert sent == [50, 1]


async def test_a_refused_command_fails_its_caller_alone(client: redis.Redis) -> None:
    gathered = GatheredRedis(client)
    await client.set(COUNTER + ":text", "not a number")
    replies = await asyncio.gather(
        gathered.execute("INCR", COUNTER),
        gathered.execute("INCR", COUNTER + ":text"),
        return_exceptions=True,
    )
    assert replies[0] == 1
    assert isinstance(replies[1], ResponseError)


async def test_a_script_the_server_forgot_is_loaded_again(client: redis.Redis) -> None:
    gathered = GatheredRedis(client)
    double = client.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1]) * 2")
    assert await gathered.script(double, [COUNTER], [3]) == 6
    await client.script_flush()
    assert await gathered.script(double, [COUNTER], [1]) == 8


async def test_redis_out_of_reach_fails_every_caller_of_the_turn() -> None:
    client = connect("redis://127.0.0.1:1/15")
    gathered = GatheredRedis(client)
    replies = await asyncio.gather(
        *(gathered.execute("INCR", COUNTER) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(reply, UNREACHABLE) for reply in replies)
    await client.aclose()
