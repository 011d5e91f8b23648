"""Configuration from the environment (BOURSE_*), read once at start-up."""

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from attrs import frozen

ADAPTER_MODES = ("memory", "local", "aws")
MINUTE_MS = 60_000
DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bourse"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Where `make web` builds the page in a checkout; an image puts it elsewhere (BOURSE_WEB_DIST).
WEB_DIST = Path(__file__).resolve().parents[1] / "web" / "dist"


def database_url() -> str:
    return os.environ.get("BOURSE_DATABASE_URL", DEFAULT_DATABASE_URL)


@frozen
class AwsSettings:
    """What `aws` mode reads of the environment that infrastructure/ deploys: its stack's
    outputs, which the task definitions set, by the names of `AWS_VARIABLES`. Secrets are
    named by ARN and read from Secrets Manager; credentials come from the standard AWS chain."""

    database_secret_arn: str
    database_host: str
    database_name: str
    secret_key_secret_arn: str
    jwt_secret_arn: str
    admin_token_secret_arn: str
    trade_stream: str
    order_stream: str
    archive_bucket: str
    trades_table: str
    candles_table: str
    book_snapshots_table: str
    tickers_table: str
    # ElastiCache's AUTH token; a Redis without AUTH (a local run's) has none.
    redis_auth_secret_arn: str | None = None
    database_port: int = 5432
    # asyncpg's sslmode: Aurora refuses connections without TLS (rds.force_ssl).
    database_ssl: str = "require"
    region: str | None = None
    # An endpoint that stands in for every AWS service (a moto server), for local runs.
    endpoint_url: str | None = None

    @property
    def database_url(self) -> str:
        """Where the database is; who signs in comes from its secret."""
        return (
            f"postgresql+asyncpg://{self.database_host}:{self.database_port}/"
            f"{self.database_name}?ssl={self.database_ssl}"
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "AwsSettings":
        missing = [name for name in REQUIRED_AWS_VARIABLES if not environ.get(name)]
        if missing:
            raise ValueError(f"aws mode needs {', '.join(missing)}: the outputs of infrastructure/")
        found: dict[str, object] = {
            field: environ[name] for name, field in AWS_VARIABLES.items() if environ.get(name)
        }
        if "database_port" in found:
            found["database_port"] = int(str(found["database_port"]))
        return cls(**found)  # type: ignore[arg-type]


AWS_VARIABLES = {
    "BOURSE_DATABASE_SECRET_ARN": "database_secret_arn",
    "BOURSE_DATABASE_HOST": "database_host",
    "BOURSE_DATABASE_PORT": "database_port",
    "BOURSE_DATABASE_NAME": "database_name",
    "BOURSE_DATABASE_SSL": "database_ssl",
    "BOURSE_REDIS_AUTH_SECRET_ARN": "redis_auth_secret_arn",
    "BOURSE_SECRET_KEY_SECRET_ARN": "secret_key_secret_arn",
    "BOURSE_JWT_SECRET_ARN": "jwt_secret_arn",
    "BOURSE_ADMIN_TOKEN_SECRET_ARN": "admin_token_secret_arn",
    "BOURSE_TRADE_STREAM": "trade_stream",
    "BOURSE_ORDER_STREAM": "order_stream",
    "BOURSE_ARCHIVE_BUCKET": "archive_bucket",
    "BOURSE_TRADES_TABLE": "trades_table",
    "BOURSE_CANDLES_TABLE": "candles_table",
    "BOURSE_BOOK_SNAPSHOTS_TABLE": "book_snapshots_table",
    "BOURSE_TICKERS_TABLE": "tickers_table",
    "AWS_REGION": "region",
    "BOURSE_AWS_ENDPOINT_URL": "endpoint_url",
}
OPTIONAL_AWS_VARIABLES = (
    "BOURSE_DATABASE_PORT", "BOURSE_DATABASE_SSL", "BOURSE_REDIS_AUTH_SECRET_ARN", "AWS_REGION",
    "BOURSE_AWS_ENDPOINT_URL",
)  # fmt: skip
REQUIRED_AWS_VARIABLES = [name for name in AWS_VARIABLES if name not in OPTIONAL_AWS_VARIABLES]


@frozen
class Settings:
    adapters: str
    jwt_secret: str
    admin_token: str | None
    faucet: bool
    weight_per_minute: int
    # Binance's ORDERS limits: unfilled orders an account may place per 10 seconds and per day.
    orders_per_10s: int = 100
    orders_per_day: int = 200_000
    connections_per_address: int = 300
    lease_ttl_ms: int = 5000
    engine_pipeline: int = 1  # batches committing at once (`application.engine`)
    # The load balancers whose X-Forwarded-For is believed: addresses or networks.
    trusted_proxies: tuple[str, ...] = ()
    keep_alive_s: int = 5
    read_timeout_s: float = 10.0
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    redis_password: str | None = None  # Redis's AUTH token (ElastiCache's, in `aws`)
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
    # Off: HTTP requests are neither counted nor timed (the engines' per-batch counts stay).
    http_metrics: bool = True
    web_dist: str = str(WEB_DIST)  # the built web page (`make web`)
    # Where the page's assets and streams are when not on the page's own origin (in `aws`:
    # CloudFront, and the load balancer's WebSocket name).
    assets_origin: str | None = None
    streams_url: str | None = None
    aws: AwsSettings | None = None  # `aws` mode's resources, until its secrets are read

    @classmethod
    def from_env(
        cls, adapters: str | None = None, role: str = "all", markets: list[str] | None = None
    ) -> "Settings":
        mode = adapters or os.environ.get("BOURSE_ADAPTERS", "memory")
        if mode not in ADAPTER_MODES:
            raise ValueError(f"BOURSE_ADAPTERS must be one of {', '.join(ADAPTER_MODES)}")
        faucet = os.environ.get("BOURSE_FAUCET")
        aws = AwsSettings.from_env() if mode == "aws" else None
        return cls(
            adapters=mode,
            # Without a configured secret, tokens last as long as this process.
            jwt_secret=os.environ.get("BOURSE_JWT_SECRET") or secrets.token_hex(32),
            admin_token=os.environ.get("BOURSE_ADMIN_TOKEN") or None,
            faucet=faucet == "1" if faucet is not None else mode == "memory",
            weight_per_minute=int(os.environ.get("BOURSE_WEIGHT_PER_MINUTE", "6000")),
            orders_per_10s=int(os.environ.get("BOURSE_ORDERS_PER_10S", "100")),
            orders_per_day=int(os.environ.get("BOURSE_ORDERS_PER_DAY", "200000")),
            connections_per_address=int(os.environ.get("BOURSE_WS_CONNECTIONS_PER_ADDRESS", "300")),
            lease_ttl_ms=int(os.environ.get("BOURSE_LEASE_TTL_MS", "5000")),
            engine_pipeline=_count("BOURSE_ENGINE_PIPELINE", 1),
            trusted_proxies=networks(os.environ.get("BOURSE_TRUSTED_PROXIES", "")),
            keep_alive_s=int(os.environ.get("BOURSE_KEEP_ALIVE_S", "5")),
            read_timeout_s=float(os.environ.get("BOURSE_READ_TIMEOUT_S", "10")),
            database_url=aws.database_url if aws is not None else database_url(),
            redis_url=os.environ.get("BOURSE_REDIS_URL", DEFAULT_REDIS_URL),
            secret_key=os.environ.get("BOURSE_SECRET_KEY") or None,
            retention_unfilled_ms=_minutes("BOURSE_RETENTION_UNFILLED_MINUTES", 30),
            retention_history_ms=_minutes("BOURSE_RETENTION_HISTORY_MINUTES", 24 * 60),
            retention_statements_ms=_minutes("BOURSE_RETENTION_STATEMENT_MINUTES", 30),
            role=role,
            markets=markets,
            command_timeout_ms=int(os.environ.get("BOURSE_COMMAND_TIMEOUT_MS", "5000")),
            trace_sample_ratio=_ratio("BOURSE_TRACE_SAMPLE_RATIO", 0.01),
            http_metrics=os.environ.get("BOURSE_HTTP_METRICS", "on") != "off",
            web_dist=os.environ.get("BOURSE_WEB_DIST") or str(WEB_DIST),
            assets_origin=os.environ.get("BOURSE_ASSETS_ORIGIN") or None,
            streams_url=os.environ.get("BOURSE_STREAMS_URL") or None,
            aws=aws,
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


def _count(name: str, default: int) -> int:
    count = int(os.environ.get(name, str(default)))
    if count < 1:
        raise ValueError(f"{name} must be at least 1")
    return count


def _minutes(name: str, default: int) -> int:
    """A setting in minutes, in ms."""
    minutes = int(os.environ.get(name, str(default)))
    if minutes < 1:
        raise ValueError(f"{name} must be at least 1 minute")
    return minutes * MINUTE_MS
