"""The machine's clock and randomness."""

import secrets
import time


class SystemClock:
    def now(self) -> int:
        return time.time_ns() // 1_000_000


class SecretsIdSource:
    def token(self) -> str:
        return secrets.token_hex(32)
