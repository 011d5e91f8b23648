"""Configuration from the environment (BOURSE_*), read once at start-up."""

import ipaddress
import os
import secrets

from attrs import frozen

ADAPTER_MODES = ("memory", "local", "aws")
MINUTE_MS = 60_000
DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bourse"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def database_url() -> str:
    return os.environ.get("BOURSE_DATABASE_URL", DEFAULT_DATABASE_URL)


@frozen
class Settings:
    adapters: str
    jwt_secret: str
    admin_token: str | None
    faucet: bool
    weight_per_minute: int
    connections_per_address: int = 300
    lease_ttl_ms: int = 5000
    # The load balancers whose X-Forwarded-For is believed: addresses or networks.
    trusted_proxies: tuple[str, ...] = ()
    keep_alive_s: int = 5
    read_timeout_s: float = 10.0
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    secret_key: str | None = None  # encrypts API key secrets at rest (`local`, `aws`)
    # How long the memory store keeps what is over (see `adapters.memory.retention`).
    # The defaults hold the demo bots' last half hour of quotes (about 5 MB a minute of it) and
    # a day of trades and candles (about 9 MB an hour), as `benchmarks.soak` measured them.
    retention_unfilled_ms: int = 30 * MINUTE_MS
    retention_history_ms: int = 24 * 60 * MINUTE_MS
    retention_statements_ms: int = 30 * MINUTE_MS
    role: str = "all"  # what this process runs: see `entrypoints.roles`
    command_timeout_ms: int = 5000  # how long an order waits for its engine's answer
    markets: list[str] | None = None  # those the engine role competes for; None: every one
    trace_sample_ratio: float = 0.01  # of the traces that start here (`entrypoints.tracing`)

    @classmethod
    def from_env(
        cls, adapters: str | None = None, role: str = "all", markets: list[str] | None = None
    ) -> "Settings":
        mode = adapters or os.environ.get("BOURSE_ADAPTERS", "memory")
        if mode not in ADAPTER_MODES:
            raise ValueError(f"BOURSE_ADAPTERS must be one of {', '.join(ADAPTER_MODES)}")
        faucet = os.environ.get("BOURSE_FAUCET")
        return cls(
            adapters=mode,
            # Without a configured secret, tokens last as long as this process.
            jwt_secret=os.environ.get("BOURSE_JWT_SECRET") or secrets.token_hex(32),
            admin_token=os.environ.get("BOURSE_ADMIN_TOKEN") or None,
            faucet=faucet == "1" if faucet is not None else mode == "memory",
            weight_per_minute=int(os.environ.get("BOURSE_WEIGHT_PER_MINUTE", "6000")),
            connections_per_address=int(os.environ.get("BOURSE_WS_CONNECTIONS_PER_ADDRESS", "300")),
            lease_ttl_ms=int(os.environ.get("BOURSE_LEASE_TTL_MS", "5000")),
            trusted_proxies=networks(os.environ.get("BOURSE_TRUSTED_PROXIES", "")),
            keep_alive_s=int(os.environ.get("BOURSE_KEEP_ALIVE_S", "5")),
            read_timeout_s=float(os.environ.get("BOURSE_READ_TIMEOUT_S", "10")),
            database_url=database_url(),
            redis_url=os.environ.get("BOURSE_REDIS_URL", DEFAULT_REDIS_URL),
            secret_key=os.environ.get("BOURSE_SECRET_KEY") or None,
            retention_unfilled_ms=_minutes("BOURSE_RETENTION_UNFILLED_MINUTES", 30),
            retention_history_ms=_minutes("BOURSE_RETENTION_HISTORY_MINUTES", 24 * 60),
            retention_statements_ms=_minutes("BOURSE_RETENTION_STATEMENT_MINUTES", 30),
            role=role,
            markets=markets,
            command_timeout_ms=int(os.environ.get("BOURSE_COMMAND_TIMEOUT_MS", "5000")),
            trace_sample_ratio=_ratio("BOURSE_TRACE_SAMPLE_RATIO", 0.01),
        )


def networks(listed: str) -> tuple[str, ...]:
    """Comma-separated addresses and networks, checked here: uvicorn would take a mistyped one
    for a host name and silently never match it."""
    try:
        items = [item.strip() for item in listed.split(",")]
        return tuple(str(ipaddress.ip_network(item)) for item in items if item)
    except ValueError as error:
        raise ValueError(f"BOURSE_TRUSTED_PROXIES: {error}") from None


def _ratio(name: str, default: float) -> float:
    ratio = float(os.environ.get(name, str(default)))
    if not 0 <= ratio <= 1:
        raise ValueError(f"{name} must be between 0 and 1")
    return ratio


def _minutes(name: str, default: int) -> int:
    """A setting in minutes, in ms."""
    minutes = int(os.environ.get(name, str(default)))
    if minutes < 1:
        raise ValueError(f"{name} must be at least 1 minute")
    return minutes * MINUTE_MS
