"""User data stream keys held in this process: one live key per API key, each lasting an hour
from its opening or its last keep-alive, as Binance's listen keys do."""

from collections import OrderedDict

from attrs import define

from adapters.system import SecretsIdSource
from application.identity_ports import IdSource
from application.records import ListenKeyHolder

LISTEN_KEY_LIFETIME_MS = 60 * 60 * 1000


@define
class _Lease:
    holder: ListenKeyHolder
    expires_at: int


class MemoryListenKeys:
    def __init__(
        self, ids: IdSource | None = None, lifetime_ms: int = LISTEN_KEY_LIFETIME_MS
    ) -> None:
        self._ids = ids or SecretsIdSource()
        self._lifetime_ms = lifetime_ms
        # Oldest expiry first: every renewal moves its key to the end, so purging only ever
        # looks at the front instead of scanning every key on each call.
        self._leases: OrderedDict[str, _Lease] = OrderedDict()
        self._keys_by_api_key: dict[str, str] = {}

    async def open(self, account_id: int, api_key: str, now: int) -> str:
        self._purge(now)
        listen_key = self._keys_by_api_key.get(api_key)
        if listen_key is None:
            listen_key = self._ids.token()
            self._keys_by_api_key[api_key] = listen_key
            holder = ListenKeyHolder(account_id, api_key)
            self._leases[listen_key] = _Lease(holder, now + self._lifetime_ms)
        else:
            self._renew(listen_key, now)
        return listen_key

    async def keep_alive(self, listen_key: str, account_id: int, now: int) -> bool:
        self._purge(now)
        lease = self._leases.get(listen_key)
        if lease is None or lease.holder.account_id != account_id:
            return False
        self._renew(listen_key, now)
        return True

    async def close(self, listen_key: str, account_id: int) -> bool:
        lease = self._leases.get(listen_key)
        if lease is None or lease.holder.account_id != account_id:
            return False
        self._forget(listen_key)
        return True

    async def holder(self, listen_key: str, now: int) -> ListenKeyHolder | None:
        self._purge(now)
        lease = self._leases.get(listen_key)
        return None if lease is None else lease.holder

    async def revoke(self, api_key: str) -> str | None:
        listen_key = self._keys_by_api_key.get(api_key)
        if listen_key is not None:
            self._forget(listen_key)
        return listen_key

    def _renew(self, listen_key: str, now: int) -> None:
        self._leases[listen_key].expires_at = now + self._lifetime_ms
        self._leases.move_to_end(listen_key)

    def _purge(self, now: int) -> None:
        while self._leases:
            listen_key, lease = next(iter(self._leases.items()))
            if lease.expires_at > now:
                return
            self._forget(listen_key)

    def _forget(self, listen_key: str) -> None:
        lease = self._leases.pop(listen_key)
        del self._keys_by_api_key[lease.holder.api_key]
