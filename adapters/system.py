"""The machine's clock and randomness."""

import itertools
import secrets
import time


class SystemClock:
    def now(self) -> int:
        return time.time_ns() // 1_000_000


class SecretsIdSource:
    def __init__(self) -> None:
        # Serials are a random prefix of this source's own and a count: no read of the
        # machine's randomness each (1.3 % of the order path's samples, docs/performance.md).
        self._prefix = secrets.token_hex(6)
        self._count = itertools.count()

    def token(self) -> str:
        return secrets.token_hex(32)

    def serial(self) -> str:
        return f"{self._prefix}{next(self._count):010x}"
