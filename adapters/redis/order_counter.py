"""Unfilled order counts in Redis, shared by every api process: a key per account, limit and
window, which expires once the window is over; and the counter that counts in this process
while Redis is out of reach."""

from collections.abc import Sequence

from adapters.memory.order_counter import MemoryOrderCounter
from adapters.redis.client import Outage, reachable
from adapters.redis.gathered import GatheredRedis
from application.errors import Unavailable
from application.limit_ports import OrderCounter
from application.order_count import OrderLimit

COUNT = "bourse:orders:"

# KEYS: the current windows' counts. ARGV: their limits, then their lengths in ms. Returns
# {1, counts...} or, adding nothing, {0, the 1-based index of the full window}.
ADD = """
local n = #KEYS
local counts = {}
for i, key in ipairs(KEYS) do
    counts[i] = tonumber(redis.call('GET', key) or '0')
    if counts[i] >= tonumber(ARGV[i]) then return {0, i} end
end
for i, key in ipairs(KEYS) do
    counts[i] = redis.call('INCR', key)
    redis.call('PEXPIRE', key, ARGV[n + i])
end
return {1, unpack(counts)}
"""

# KEYS: the current windows' counts, once per order that traded. Never below zero.
REMOVE = """
for _, key in ipairs(KEYS) do
    if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


def _keys(account_id: int, limits: Sequence[OrderLimit], now: int) -> list[str]:
    return [f"{COUNT}{account_id}:{limit.name}:{now // limit.window_ms}" for limit in limits]


class RedisOrderCounter:
    def __init__(self, redis: GatheredRedis) -> None:
        self._redis = redis
        self._add = redis.client.register_script(ADD)
        self._remove = redis.client.register_script(REMOVE)

    async def add(self, account_id: int, limits: Sequence[OrderLimit], now: int) -> list[int] | int:
        with reachable("order counter"):
            added, *found = await self._redis.script(
                self._add,
                _keys(account_id, limits, now),
                [limit.limit for limit in limits] + [limit.window_ms for limit in limits],
            )
        return [int(count) for count in found] if added else int(found[0]) - 1

    async def remove(
        self, account_ids: Sequence[int], limits: Sequence[OrderLimit], now: int
    ) -> None:
        keys = [key for account_id in account_ids for key in _keys(account_id, limits, now)]
        with reachable("order counter"):
            await self._redis.script(self._remove, keys, [])

    async def counts(self, account_id: int, limits: Sequence[OrderLimit], now: int) -> list[int]:
        with reachable("order counter"):
            found = await self._redis.execute("MGET", *_keys(account_id, limits, now))
        return [int(count or 0) for count in found]


class FallbackOrderCounter:
    """Redis's counts while Redis answers; this process's own while it does not, so that the
    limits still hold (per process) and no order is refused for want of Redis."""

    def __init__(
        self, shared: OrderCounter, local: MemoryOrderCounter, outage: Outage | None = None
    ) -> None:
        self._shared = shared
        self._local = local
        self._outage = outage or Outage("order counter")

    async def add(self, account_id: int, limits: Sequence[OrderLimit], now: int) -> list[int] | int:
        if self._outage.allows():
            try:
                found = await self._shared.add(account_id, limits, now)
            except Unavailable as error:
                self._outage.failed(error)
            else:
                self._outage.succeeded()
                return found
        return await self._local.add(account_id, limits, now)

    async def remove(
        self, account_ids: Sequence[int], limits: Sequence[OrderLimit], now: int
    ) -> None:
        if self._outage.allows():
            try:
                await self._shared.remove(account_ids, limits, now)
            except Unavailable as error:
                self._outage.failed(error)
            else:
                self._outage.succeeded()
                return
        await self._local.remove(account_ids, limits, now)

    async def counts(self, account_id: int, limits: Sequence[OrderLimit], now: int) -> list[int]:
        if self._outage.allows():
            try:
                found = await self._shared.counts(account_id, limits, now)
            except Unavailable as error:
                self._outage.failed(error)
            else:
                self._outage.succeeded()
                return found
        return await self._local.counts(account_id, limits, now)
