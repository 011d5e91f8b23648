"""Request weight per key as token buckets in Redis, shared by every API task; and the limiter
that counts in this process while Redis is out of reach. The arithmetic is the memory
adapter's: levels in sixty-thousandths of a unit of weight, the caller's clock."""

from collections.abc import Sequence

from adapters.memory.rate_limiter import MINUTE, MemoryRateLimiter
from adapters.redis.client import Outage, reachable
from adapters.redis.gathered import GatheredRedis
from application.errors import RateLimited, Unavailable
from application.limit_ports import RateLimiter

BUCKET = "bourse:weight:"

# KEYS: the buckets. ARGV: weight per minute, weight, now, a minute. Returns {1, the most weight
# in use} or, taking nothing, {0, milliseconds until every bucket holds the weight}.
SPEND = """
local limit, weight, now, minute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
    tonumber(ARGV[4])
local full, needed = limit * minute, weight * minute
local levels, times, lacking = {}, {}, 0
for i, key in ipairs(KEYS) do
    local level, updated_at = full, now
    local bucket = redis.call('HMGET', key, 'level', 'updated_at')
    if bucket[1] then
        level, updated_at = tonumber(bucket[1]), tonumber(bucket[2])
        if now > updated_at then
            level, updated_at = math.min(full, level + (now - updated_at) * limit), now
        end
    end
    levels[i], times[i] = level, updated_at
    lacking = math.max(lacking, needed - level)
end
if lacking > 0 then return {0, math.ceil(lacking / limit)} end
local used = 0
for i, key in ipairs(KEYS) do
    local level = levels[i] - needed
    if level == full then
        redis.call('DEL', key)
    else
        redis.call('HSET', key, 'level', string.format('%d', level),
            'updated_at', string.format('%d', times[i]))
        redis.call('PEXPIRE', key, minute)
    end
    used = math.max(used, math.ceil((full - level) / minute))
end
return {1, used}
"""


class RedisRateLimiter:
    def __init__(self, redis: GatheredRedis, weight_per_minute: int = 6000) -> None:
        self.limit = weight_per_minute
        self._redis = redis
        self._spend = redis.client.register_script(SPEND)

    async def spend(self, keys: Sequence[str], weight: int, now: int) -> int:
        with reachable("rate limiter"):
            spent, amount = await self._redis.script(
                self._spend, [BUCKET + key for key in keys], [self.limit, weight, now, MINUTE]
            )
        if not spent:
            raise RateLimited(self.limit, retry_after=int(amount))
        return int(amount)


class FallbackRateLimiter:
    """Redis's buckets while Redis answers; this process's own buckets while it does not, so
    that limits still hold (per process) and no request is refused for want of Redis."""

    def __init__(
        self, shared: RateLimiter, local: MemoryRateLimiter, outage: Outage | None = None
    ) -> None:
        self._shared = shared
        self._local = local
        self._outage = outage or Outage("rate limiter")

    async def spend(self, keys: Sequence[str], weight: int, now: int) -> int:
        if self._outage.allows():
            try:
                used = await self._shared.spend(keys, weight, now)
            except Unavailable as error:
                self._outage.failed(error)
            else:
                self._outage.succeeded()
                return used
        return await self._local.spend(keys, weight, now)
