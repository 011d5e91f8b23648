"""The composition root: one setting picks the adapter set; nothing connects at import."""

import os
import secrets
import socket

from dependency_injector import containers, providers
from litestar.channels.backends.memory import MemoryChannelsBackend

from adapters.memory.cache import MemoryCache
from adapters.memory.listen_keys import MemoryListenKeys
from adapters.memory.order_counter import MemoryOrderCounter
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.rate_limiter import MemoryRateLimiter
from adapters.memory.retention import Retention
from adapters.memory.sessions import MemorySessions
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.postgres.database import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.redis.cache import RedisCache
from adapters.redis.channels import RedisFanOut
from adapters.redis.client import connect
from adapters.redis.command_bus import RedisCommandBus
from adapters.redis.listen_keys import RedisListenKeys
from adapters.redis.market_snapshots import RedisMarketSnapshots
from adapters.redis.order_counter import FallbackOrderCounter, RedisOrderCounter
from adapters.redis.outbox_signal import RedisOutboxSignal
from adapters.redis.rate_limiter import FallbackRateLimiter, RedisRateLimiter
from adapters.redis.sessions import RedisSessions
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.secret_box import SecretBox
from adapters.security.tokens import JwtTokenService
from adapters.system import SecretsIdSource, SystemClock
from application.accounts import Accounts
from application.engine import EngineSettings, MarketEngine
from application.funds import Funds
from application.history import History
from application.ledger_sync import LedgerSync
from application.local_bus import InProcessBus
from application.market_data import EngineBooks, MarketData
from application.market_view import MarketViews
from application.order_count import UnfilledOrders, binance_limits
from application.portfolio import Portfolio
from application.ports import Clock, UnitOfWorkFactory
from application.relay import Relay
from application.trading import Trading
from application.user_streams import UserStreams
from domain.exchange import Exchange
from entrypoints.api.gate import Gate
from entrypoints.api.services import Services
from entrypoints.listing import default_markets


def market_engines(
    exchange: Exchange,
    unit_of_work: UnitOfWorkFactory,
    sync: LedgerSync,
    relay: Relay,
    clock: Clock,
    lease_ttl_ms: int,
    markets: list[str] | None,
) -> dict[str, MarketEngine]:
    """An engine for each market this process competes for (`markets`, or every one)."""
    unknown = set(markets or ()) - set(exchange.markets)
    if unknown:
        raise SystemExit(f"No such market: {', '.join(sorted(unknown))}.")
    # Unique to this process: a restarted process must take its leases over like any other.
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    settings = EngineSettings(owner, lease_ttl_ms)
    return {
        symbol: MarketEngine(exchange, symbol, unit_of_work, sync, relay, clock, settings)
        for symbol in exchange.markets
        if markets is None or symbol in markets
    }


class Container(containers.DeclarativeContainer):
    config = providers.Configuration()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(SecretsIdSource)
    hasher = providers.Singleton(Argon2PasswordHasher)
    tokens = providers.Singleton(JwtTokenService, config.jwt_secret)
    exchange = providers.Singleton(Exchange, providers.Callable(default_markets))

    # `local`: PostgreSQL holds the truth; Redis carries sessions, limits, caches and streams.
    database = providers.Singleton(
        create_engine, config.database_url, idle_in_transaction_ms=config.lease_ttl_ms
    )
    redis = providers.Singleton(connect, config.redis_url)
    secret_box = providers.Singleton(SecretBox, config.secret_key)

    retention = providers.Singleton(
        Retention,
        clock,
        config.retention_unfilled_ms,
        config.retention_history_ms,
        config.retention_statements_ms,
    )
    unit_of_work = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryUnitOfWorkFactory, None, retention),
        local=providers.Singleton(PostgresUnitOfWorkFactory, database, secret_box),
    )
    # Committed events reach this process's stream hub in process; other processes get the
    # stream messages through the channels backend.
    publisher = providers.Singleton(MemoryEventPublisher)
    channels_backend = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryChannelsBackend),
        local=providers.Singleton(RedisFanOut, redis),
    )
    sessions = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemorySessions),
        local=providers.Singleton(RedisSessions, redis),
    )
    cache = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryCache),
        local=providers.Singleton(RedisCache, redis),
    )
    rate_limiter = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryRateLimiter, config.weight_per_minute),
        local=providers.Singleton(
            FallbackRateLimiter,
            providers.Singleton(RedisRateLimiter, redis, config.weight_per_minute),
            providers.Singleton(MemoryRateLimiter, config.weight_per_minute),
        ),
    )
    order_counter = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryOrderCounter),
        local=providers.Singleton(
            FallbackOrderCounter,
            providers.Singleton(RedisOrderCounter, redis),
            providers.Singleton(MemoryOrderCounter),
        ),
    )
    order_limits = providers.Callable(binance_limits, config.orders_per_10s, config.orders_per_day)
    unfilled_orders = providers.Singleton(UnfilledOrders, order_counter, order_limits, clock)

    # A process of every role relays its own commits; the others tell the market data's.
    in_process_signal = providers.Singleton(MemoryOutboxSignal)
    redis_signal = providers.Singleton(RedisOutboxSignal, redis)
    outbox_signal = providers.Selector(
        config.role, all=in_process_signal, api=redis_signal, websocket=redis_signal,
        engine=redis_signal, marketdata=redis_signal,
    )  # fmt: skip
    # The market data role's relay keeps its views of the markets current as it publishes.
    views = providers.Singleton(MarketViews, publisher)
    acknowledged: providers.Singleton[dict[str, int]] = providers.Singleton(dict)
    snapshots = providers.Singleton(RedisMarketSnapshots, redis, acknowledged)
    relayed_to = providers.Selector(
        config.role, all=publisher, api=publisher, websocket=publisher, engine=publisher,
        marketdata=views,
    )  # fmt: skip
    sync = providers.Singleton(LedgerSync, exchange.provided.ledger)
    relay = providers.Singleton(Relay, unit_of_work, relayed_to, outbox_signal)
    running_engines = providers.Singleton(
        market_engines, exchange, unit_of_work, sync, relay, clock, config.lease_ttl_ms,
        config.markets,
    )  # fmt: skip
    no_engines: providers.Singleton[dict[str, MarketEngine]] = providers.Singleton(dict)
    engines = providers.Selector(
        config.role, all=running_engines, engine=running_engines, api=no_engines,
        websocket=no_engines, marketdata=no_engines,
    )  # fmt: skip
    bus = providers.Selector(
        config.adapters,
        memory=providers.Singleton(InProcessBus, engines),
        local=providers.Singleton(
            RedisCommandBus, redis, clock, engines, config.command_timeout_ms, acknowledged
        ),
    )
    # Public reads of books and tickers: the engines of this process, or the market data's.
    engine_books = providers.Singleton(EngineBooks, engines)
    books = providers.Selector(
        config.role, all=engine_books, engine=engine_books, api=snapshots, websocket=snapshots,
        marketdata=views,
    )  # fmt: skip
    trading = providers.Singleton(Trading, exchange, bus, unit_of_work, clock, ids)
    market_data = providers.Singleton(MarketData, exchange, books, unit_of_work, clock)
    history = providers.Singleton(History, unit_of_work)
    accounts = providers.Singleton(Accounts, unit_of_work, sessions, clock, ids, hasher, tokens)
    funds = providers.Singleton(Funds, exchange, unit_of_work, sync, relay, clock, config.faucet)
    portfolio = providers.Singleton(Portfolio, funds, market_data)
    gate = providers.Singleton(
        Gate, accounts, clock, rate_limiter, config.weight_per_minute, unfilled_orders
    )
    listen_keys = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryListenKeys),
        local=providers.Singleton(RedisListenKeys, redis),
    )
    user_streams = providers.Singleton(UserStreams, listen_keys, clock)
    services = providers.Singleton(
        Services, gate, trading, market_data, history, accounts, funds, portfolio, user_streams,
        cache, config.admin_token, config.connections_per_address,
    )  # fmt: skip


async def release(container: Container) -> None:
    """Closes the connections the servers' adapters opened."""
    if container.config.adapters() == "local":
        await container.redis_signal().close()
        await container.database().dispose()
        await container.redis().aclose()
