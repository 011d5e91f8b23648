"""User data stream keys in Redis: one live key per account, each lasting an hour from its
opening or its last keep-alive. Expiry is decided by the `expires_at` kept with the key, in the
application's clock; Redis's own TTL only clears away what has expired."""

import redis.asyncio as redis

from adapters.memory.listen_keys import LISTEN_KEY_LIFETIME_MS
from adapters.redis.client import reachable, texts
from adapters.system import SecretsIdSource
from application.ports import IdSource

LEASE = "bourse:listen-key:"
KEY_OF_ACCOUNT = "bourse:listen-key-of:"
WHAT = "listen key store"

# KEYS: the account's index. ARGV: account, now, expires at, lifetime, a fresh key, prefix.
# Reaches the lease through the index, which one Redis node allows and a Redis Cluster would not.
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
redis.call('HSET', lease, 'account_id', ARGV[1], 'expires_at', ARGV[3])
redis.call('PEXPIRE', lease, ARGV[4])
redis.call('SET', KEYS[1], listen_key, 'PX', ARGV[4])
return listen_key
"""
# KEYS: the lease, the account's index. ARGV: account, now, expires at, lifetime.
KEEP_ALIVE = """
local lease = redis.call('HMGET', KEYS[1], 'account_id', 'expires_at')
if lease[1] ~= ARGV[1] or tonumber(lease[2]) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'expires_at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
"""
# KEYS: the lease, the account's index. ARGV: account, listen key.
CLOSE = """
if redis.call('HGET', KEYS[1], 'account_id') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1
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

    async def open(self, account_id: int, now: int) -> str:
        expires_at, lifetime = now + self._lifetime_ms, self._lifetime_ms
        args: list[int | str] = [account_id, now, expires_at, lifetime, self._ids.token(), LEASE]
        with reachable(WHAT):
            listen_key = await self._open(keys=[KEY_OF_ACCOUNT + str(account_id)], args=args)
        return listen_key.decode() if isinstance(listen_key, bytes) else str(listen_key)

    async def keep_alive(self, listen_key: str, account_id: int, now: int) -> bool:
        keys = [LEASE + listen_key, KEY_OF_ACCOUNT + str(account_id)]
        args = [account_id, now, now + self._lifetime_ms, self._lifetime_ms]
        with reachable(WHAT):
            return bool(await self._keep_alive(keys=keys, args=args))

    async def close(self, listen_key: str, account_id: int) -> bool:
        keys = [LEASE + listen_key, KEY_OF_ACCOUNT + str(account_id)]
        with reachable(WHAT):
            return bool(await self._close(keys=keys, args=[account_id, listen_key]))

    async def account_of(self, listen_key: str, now: int) -> int | None:
        with reachable(WHAT):
            found = await self._client.hmget(LEASE + listen_key, ["account_id", "expires_at"])
        lease = texts(found)
        return None if lease is None or int(lease[1]) <= now else int(lease[0])
