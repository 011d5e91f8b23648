"""Login sessions in Redis: a hash per session and an index from refresh token to session,
both expiring with the session."""

import redis.asyncio as redis

from adapters.redis.client import reachable, texts
from application.records import Session

SESSION = "bourse:session:"
REFRESH = "bourse:refresh:"
WHAT = "session store"

# The scripts reach the session's key through the index rather than being given it, which
# one Redis node (with or without replicas) allows and a Redis Cluster would not.
TAKE = """
local session_id = redis.call('GET', KEYS[1])
if not session_id then return false end
local key = ARGV[2] .. session_id
local found = redis.call('HMGET', key, 'user_id', 'expires_at')
if not found[1] or tonumber(found[2]) <= tonumber(ARGV[1]) then return false end
redis.call('DEL', key, KEYS[1])
return {session_id, found[1], found[2]}
"""
REVOKE = """
local refresh_token = redis.call('HGET', KEYS[1], 'refresh_token')
if refresh_token then redis.call('DEL', ARGV[1] .. refresh_token) end
return redis.call('DEL', KEYS[1])
"""


class RedisSessions:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._take = client.register_script(TAKE)
        self._revoke = client.register_script(REVOKE)

    async def add(self, session: Session, now: int) -> None:
        lifetime = session.expires_at - now
        if lifetime <= 0:
            return
        key = SESSION + session.session_id
        fields: list[str | int] = [
            "user_id", session.user_id,
            "refresh_token", session.refresh_token,
            "expires_at", session.expires_at,
        ]  # fmt: skip
        with reachable(WHAT):
            async with self._client.pipeline(transaction=True) as pipeline:
                pipeline.hset(key, items=fields)
                pipeline.pexpire(key, lifetime)
                pipeline.set(REFRESH + session.refresh_token, session.session_id, px=lifetime)
                await pipeline.execute()

    async def get(self, session_id: str, now: int) -> Session | None:
        with reachable(WHAT):
            found = await self._client.hmget(
                SESSION + session_id, ["user_id", "refresh_token", "expires_at"]
            )
        fields = texts(found)
        if fields is None or int(fields[2]) <= now:
            return None
        return Session(session_id, int(fields[0]), fields[1], int(fields[2]))

    async def take(self, refresh_token: str, now: int) -> Session | None:
        with reachable(WHAT):
            found = await self._take(keys=[REFRESH + refresh_token], args=[now, SESSION])
        fields = None if found is None else texts(found)
        if fields is None:
            return None
        return Session(fields[0], int(fields[1]), refresh_token, int(fields[2]))

    async def revoke(self, session_id: str) -> None:
        with reachable(WHAT):
            await self._revoke(keys=[SESSION + session_id], args=[REFRESH])
