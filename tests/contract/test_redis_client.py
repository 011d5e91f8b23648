"""The Redis client under a burst: more commands at once than its pool holds connections, as
when an engine answers a batch of up to 256 commands at once (one connection each), or an api
process under load has hundreds of requests in flight."""

import asyncio

from adapters.redis.client import connect

BURST = 300


async def test_a_burst_of_commands_waits_for_connections_instead_of_failing(
    redis_url: str,
) -> None:
    client = connect(redis_url)
    try:
        # Each BLPOP holds its connection for 50 ms: the burst needs them all at once.
        waits = [client.blpop([f"nothing:{n}"], timeout=0.05) for n in range(BURST)]
        answers = await asyncio.gather(*waits)
    finally:
        await client.aclose()
    assert answers == [None] * BURST
