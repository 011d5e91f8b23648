"""User data stream keys in Redis: one live key per API key, each lasting an hour from its
opening or its last keep-alive. Expiry is decided by the `expires_at` kept with the key, in the
application's clock; Redis's own TTL only clears away what has expired."""

import redis.asyncio as redis

from adapters.memory.listen_keys import LISTEN_KEY_LIFETIME_MS
from adapters.redis.client import reachable, texts
from adapters.system import SecretsIdSource
from application.identity_ports import IdSource
from application.records import ListenKeyHolder

LEASE = "bourse:listen-key:"
KEY_OF_API_KEY = "bourse:listen-key-of-api-key:"
WHAT = "listen key store"

# The scripts reach a lease through its API key's index, or the index through its lease, which
# one Redis node allows and a Redis Cluster would not.
# KEYS: the API key's index. ARGV: account, now, expires at, lifetime, a fresh key, prefix, API key.
OPEN = """
local listen_key = redis.call('GET', KEYS[1])
if listen_key then
    local expires_at = redis.call('HGET', ARGV[6] .. listen_key, 'expires_at')
    if not expires_at or tonumber(expires_at) <= tonumber(ARGV[2]) then
        redis.call('DEL', ARGV[6] .. listen_key)
        listen_key = false
    end
end
listen_key = listen_key or ARGV[5]
local lease = ARGV[6] .. listen_key
redis.call('HSET', lease, 'account_id', ARGV[1], 'api_key', ARGV[7], 'expires_at', ARGV[3])
redis.call('PEXPIRE', lease, ARGV[4])
redis.call('SET', KEYS[1], listen_key, 'PX', ARGV[4])
return listen_key
"""
# KEYS: the lease. ARGV: account, now, expires at, lifetime, index prefix.
KEEP_ALIVE = """
local lease = redis.call('HMGET', KEYS[1], 'account_id', 'expires_at', 'api_key')
if lease[1] ~= ARGV[1] or tonumber(lease[2]) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'expires_at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', ARGV[5] .. lease[3], ARGV[4])
return 1
"""
# KEYS: the lease. ARGV: account, listen key, index prefix.
CLOSE = """
local lease = redis.call('HMGET', KEYS[1], 'account_id', 'api_key')
if lease[1] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
local index = ARGV[3] .. lease[2]
if redis.call('GET', index) == ARGV[2] then redis.call('DEL', index) end
return 1
"""
# KEYS: the API key's index. ARGV: lease prefix.
REVOKE = """
local listen_key = redis.call('GET', KEYS[1])
if not listen_key then return false end
redis.call('DEL', KEYS[1], ARGV[1] .. listen_key)
return listen_key
"""


class RedisListenKeys:
    def __init__(
        self,
        client: redis.Redis,
        ids: IdSource | None = None,
        lifetime_ms: int = LISTEN_KEY_LIFETIME_MS,
    ) -> None:
        self._client = client
        self._ids = ids or SecretsIdSource()
        self._lifetime_ms = lifetime_ms
        self._open = client.register_script(OPEN)
        self._keep_alive = client.register_script(KEEP_ALIVE)
        self._close = client.register_script(CLOSE)
        self._revoke = client.register_script(REVOKE)

    async def open(self, account_id: int, api_key: str, now: int) -> str:
        expires_at, lifetime = now + self._lifetime_ms, self._lifetime_ms
        args: list[int | str] = [
            account_id, now, expires_at, lifetime, self._ids.token(), LEASE, api_key
        ]  # fmt: skip
        with reachable(WHAT):
            listen_key = await self._open(keys=[KEY_OF_API_KEY + api_key], args=args)
        return _text(listen_key)

    async def keep_alive(self, listen_key: str, account_id: int, now: int) -> bool:
        args: list[int | str] = [
            account_id, now, now + self._lifetime_ms, self._lifetime_ms, KEY_OF_API_KEY
        ]  # fmt: skip
        with reachable(WHAT):
            return bool(await self._keep_alive(keys=[LEASE + listen_key], args=args))

    async def close(self, listen_key: str, account_id: int) -> bool:
        args: list[int | str] = [account_id, listen_key, KEY_OF_API_KEY]
        with reachable(WHAT):
            return bool(await self._close(keys=[LEASE + listen_key], args=args))

    async def holder(self, listen_key: str, now: int) -> ListenKeyHolder | None:
        with reachable(WHAT):
            found = await self._client.hmget(
                LEASE + listen_key, ["account_id", "api_key", "expires_at"]
            )
        lease = texts(found)
        if lease is None or int(lease[2]) <= now:
            return None
        return ListenKeyHolder(int(lease[0]), lease[1])

    async def revoke(self, api_key: str) -> str | None:
        with reachable(WHAT):
            listen_key = await self._revoke(keys=[KEY_OF_API_KEY + api_key], args=[LEASE])
        return None if listen_key is None else _text(listen_key)


def _text(reply: bytes | str) -> str:
    return reply.decode() if isinstance(reply, bytes) else str(reply)
