"""The composition root: one setting picks the adapter set; nothing connects at import."""

import os
import secrets
import socket

from dependency_injector import containers, providers
from litestar.channels.backends.memory import MemoryChannelsBackend

from adapters.aws.clients import AwsClients
from adapters.aws.dynamodb_book_snapshots import DynamoBookSnapshots
from adapters.aws.dynamodb_candles import DynamoCandleHistory
from adapters.aws.dynamodb_tickers import DynamoTickers
from adapters.aws.dynamodb_trades import DynamoTradeHistory
from adapters.aws.kinesis import KinesisEventLog
from adapters.aws.secrets import SecretsManagerSecrets
from adapters.aws.trade_archive import S3TradeArchive
from adapters.memory.cache import MemoryCache
from adapters.memory.listen_keys import MemoryListenKeys
from adapters.memory.order_counter import MemoryOrderCounter
from adapters.memory.outbox_signal import MemoryOutboxSignal
from adapters.memory.processes import MemoryProcesses
from adapters.memory.publisher import MemoryEventPublisher
from adapters.memory.rate_limiter import MemoryRateLimiter
from adapters.memory.retention import Retention
from adapters.memory.sessions import MemorySessions
from adapters.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.postgres.credentials import DatabaseCredentials
from adapters.postgres.database import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.redis.cache import RedisCache
from adapters.redis.channels import RedisFanOut
from adapters.redis.client import connect
from adapters.redis.command_bus import RedisCommandBus
from adapters.redis.command_consumer import RedisCommandConsumer
from adapters.redis.gathered import GatheredRedis
from adapters.redis.listen_keys import RedisListenKeys
from adapters.redis.market_snapshots import RedisMarketSnapshots
from adapters.redis.order_counter import FallbackOrderCounter, RedisOrderCounter
from adapters.redis.outbox_signal import RedisOutboxSignal
from adapters.redis.processes import RedisProcesses
from adapters.redis.rate_limiter import FallbackRateLimiter, RedisRateLimiter
from adapters.redis.sessions import RedisSessions
from adapters.security.one_time_passwords import Totp
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.secret_box import SecretBox
from adapters.security.tokens import JwtTokenService
from adapters.system import SecretsIdSource, SystemClock
from application.accounts import Accounts
from application.engine import EngineSettings, MarketEngine
from application.event_log import EventLogWriter
from application.freezes import AccountFreezes
from application.frozen_accounts import FrozenAccounts
from application.funds import Funds
from application.history import History
from application.ledger_sync import LedgerSync
from application.listing import ListingSync, MarketListing
from application.local_bus import InProcessBus
from application.market_admin import MarketAdmin
from application.market_data import EngineBooks, MarketData, StoredTickers
from application.market_view import MarketViews
from application.operators import Operators
from application.order_count import UnfilledOrders, binance_limits
from application.portfolio import Portfolio
from application.ports import Clock, UnitOfWorkFactory
from application.relay import Relay
from application.store_history import StoreCandleHistory, StoreTradeHistory
from application.system_view import SystemView
from application.trading import Trading
from application.two_factor import ATTEMPTS_PER_MINUTE, TwoFactorAuth
from application.user_streams import UserStreams
from application.warm_up import SnapshotWarmUp
from domain.exchange import Exchange
from entrypoints.api.freeze_notices import ChannelFreezeNotices
from entrypoints.api.gate import Gate
from entrypoints.api.listing_notices import ChannelListingNotices
from entrypoints.api.services import Services
from entrypoints.streams.revocations import StreamRevocations


def engine_settings_of_this_process(lease_ttl_ms: int, pipeline: int) -> EngineSettings:
    # Unique to this process: a restarted process must take its leases over like any other.
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    return EngineSettings(owner, lease_ttl_ms, pipeline)


def market_engines(
    exchange: Exchange,
    unit_of_work: UnitOfWorkFactory,
    sync: LedgerSync,
    relay: Relay,
    clock: Clock,
    settings: EngineSettings,
    markets: list[str] | None,
) -> dict[str, MarketEngine]:
    """An engine for each listed market this process competes for (`markets`, or every one);
    `entrypoints.roles` adds one for each market listed later."""
    unknown = set(markets or ()) - set(exchange.markets)
    if unknown:
        raise SystemExit(f"No such market: {', '.join(sorted(unknown))}.")
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
    # Empty until the process reads the listings from the store, as it starts (`roles`).
    exchange = providers.Singleton(Exchange, providers.Object(()))

    # `local`: PostgreSQL holds the truth; Redis carries sessions, limits, caches and streams.
    # `aws`: the same on Aurora and ElastiCache, signing in with the credentials of secrets
    # (Secrets Manager), and the event log on Kinesis.
    aws_clients = providers.Singleton(AwsClients, config.aws.region, config.aws.endpoint_url)
    secrets = providers.Singleton(SecretsManagerSecrets, aws_clients)
    database_credentials = providers.Singleton(
        DatabaseCredentials, secrets, config.aws.database_secret_arn
    )
    database = providers.Selector(
        config.adapters,
        local=providers.Singleton(
            create_engine, config.database_url, idle_in_transaction_ms=config.lease_ttl_ms
        ),
        aws=providers.Singleton(
            create_engine,
            config.database_url,
            idle_in_transaction_ms=config.lease_ttl_ms,
            credentials=database_credentials,
        ),
    )
    redis = providers.Singleton(connect, config.redis_url, config.redis_password)
    gathered_redis = providers.Singleton(GatheredRedis, redis)
    secret_box = providers.Singleton(SecretBox, config.secret_key)
    redis_fan_out = providers.Singleton(RedisFanOut, redis)
    redis_sessions = providers.Singleton(RedisSessions, redis)
    redis_cache = providers.Singleton(RedisCache, redis)
    redis_rate_limiter = providers.Singleton(
        FallbackRateLimiter,
        providers.Singleton(RedisRateLimiter, gathered_redis, config.weight_per_minute),
        providers.Singleton(MemoryRateLimiter, config.weight_per_minute),
    )
    redis_listen_keys = providers.Singleton(RedisListenKeys, redis)

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
        # `aws`: every committed message waits for the event log (Kinesis) as well.
        aws=providers.Singleton(PostgresUnitOfWorkFactory, database, secret_box, True),
    )
    # Committed events reach this process's stream hub in process; other processes get the
    # stream messages through the channels backend.
    publisher = providers.Singleton(MemoryEventPublisher)
    channels_backend = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryChannelsBackend),
        local=redis_fan_out,
        aws=redis_fan_out,
    )
    sessions = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemorySessions),
        local=redis_sessions,
        aws=redis_sessions,
    )
    cache = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryCache),
        local=redis_cache,
        aws=redis_cache,
    )
    rate_limiter = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryRateLimiter, config.weight_per_minute),
        local=redis_rate_limiter,
        aws=redis_rate_limiter,
    )
    # Two-factor codes tried, per user: a small allowance of its own, beside request weight.
    redis_two_factor_attempts = providers.Singleton(
        FallbackRateLimiter,
        providers.Singleton(RedisRateLimiter, gathered_redis, ATTEMPTS_PER_MINUTE),
        providers.Singleton(MemoryRateLimiter, ATTEMPTS_PER_MINUTE),
    )
    two_factor_attempts = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryRateLimiter, ATTEMPTS_PER_MINUTE),
        local=redis_two_factor_attempts,
        aws=redis_two_factor_attempts,
    )
    redis_order_counter = providers.Singleton(
        FallbackOrderCounter,
        providers.Singleton(RedisOrderCounter, gathered_redis),
        providers.Singleton(MemoryOrderCounter),
    )
    order_counter = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryOrderCounter),
        local=redis_order_counter,
        aws=redis_order_counter,
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
    # `aws`: each book kept whole now and then, with its sequence, in DynamoDB.
    book_snapshots = providers.Selector(
        config.adapters,
        memory=providers.Object(None),
        local=providers.Object(None),
        aws=providers.Singleton(DynamoBookSnapshots, aws_clients, config.aws.book_snapshots_table),
    )
    relayed_to = providers.Selector(
        config.role, all=publisher, api=publisher, websocket=publisher, engine=publisher,
        marketdata=views,
    )  # fmt: skip
    sync = providers.Singleton(LedgerSync, exchange.provided.ledger)
    # `aws`: the relay appends every committed event to the event log on Kinesis as well.
    kinesis = providers.Singleton(KinesisEventLog, aws_clients)
    event_log_writer = providers.Selector(
        config.adapters,
        memory=providers.Object(None),
        local=providers.Object(None),
        aws=providers.Singleton(
            EventLogWriter, kinesis, exchange, config.aws.trade_stream, config.aws.order_stream
        ),
    )
    relay = providers.Singleton(Relay, unit_of_work, relayed_to, outbox_signal, event_log_writer)
    # `aws`: a market data process taking the duty over starts each book from its snapshot and
    # the trade stream's events after it.
    warm_up = providers.Selector(
        config.adapters,
        memory=providers.Object(None),
        local=providers.Object(None),
        aws=providers.Singleton(
            SnapshotWarmUp, book_snapshots, kinesis, config.aws.trade_stream, exchange
        ),
    )
    # The completed days of trades (`aws`: in the S3 archive, written by the trade archiver).
    trade_archive = providers.Selector(
        config.adapters,
        memory=providers.Object(None),
        local=providers.Object(None),
        aws=providers.Singleton(S3TradeArchive, aws_clients, config.aws.archive_bucket),
    )
    engine_settings = providers.Singleton(
        engine_settings_of_this_process, config.lease_ttl_ms, config.engine_pipeline
    )
    running_engines = providers.Singleton(
        market_engines, exchange, unit_of_work, sync, relay, clock, engine_settings,
        config.markets,
    )  # fmt: skip
    no_engines: providers.Singleton[dict[str, MarketEngine]] = providers.Singleton(dict)
    engines = providers.Selector(
        config.role, all=running_engines, engine=running_engines, api=no_engines,
        websocket=no_engines, marketdata=no_engines,
    )  # fmt: skip
    # The engines' readers of the command bus, which the readiness check asks for their lag.
    command_consumers: providers.Singleton[list[RedisCommandConsumer]] = providers.Singleton(list)
    redis_bus = providers.Singleton(
        RedisCommandBus, gathered_redis, clock, engines, config.command_timeout_ms, acknowledged
    )
    bus = providers.Selector(
        config.adapters,
        memory=providers.Singleton(InProcessBus, engines),
        local=redis_bus,
        aws=redis_bus,
    )
    # Public reads of books and tickers: the engines of this process, or the market data's
    # (`aws`: its tickers from DynamoDB).
    engine_books = providers.Singleton(EngineBooks, engines)
    tickers = providers.Selector(
        config.adapters,
        memory=providers.Object(None),
        local=providers.Object(None),
        aws=providers.Singleton(DynamoTickers, aws_clients, config.aws.tickers_table),
    )
    kept_books = providers.Selector(
        config.adapters,
        memory=snapshots,
        local=snapshots,
        aws=providers.Singleton(StoredTickers, snapshots, tickers),
    )
    books = providers.Selector(
        config.role, all=engine_books, engine=engine_books, api=kept_books, websocket=kept_books,
        marketdata=views,
    )  # fmt: skip
    # Public trades and candles: the store's, or in `aws` the DynamoDB tables that the trade
    # stream's Lambda functions keep.
    store_trade_history = providers.Singleton(StoreTradeHistory, unit_of_work)
    trade_history = providers.Selector(
        config.adapters,
        memory=store_trade_history,
        local=store_trade_history,
        aws=providers.Singleton(DynamoTradeHistory, aws_clients, config.aws.trades_table, exchange),
    )
    store_candle_history = providers.Singleton(StoreCandleHistory, unit_of_work)
    candle_history = providers.Selector(
        config.adapters,
        memory=store_candle_history,
        local=store_candle_history,
        aws=providers.Singleton(
            DynamoCandleHistory, aws_clients, config.aws.candles_table, exchange
        ),
    )
    frozen_accounts = providers.Singleton(FrozenAccounts, unit_of_work, clock)
    trading = providers.Singleton(Trading, exchange, bus, unit_of_work, clock, ids, frozen_accounts)
    market_data = providers.Singleton(
        MarketData, exchange, books, trade_history, candle_history, unit_of_work, clock
    )
    history = providers.Singleton(History, unit_of_work)
    two_factor = providers.Singleton(
        TwoFactorAuth, unit_of_work, providers.Singleton(Totp), two_factor_attempts, clock
    )
    accounts = providers.Singleton(
        Accounts, unit_of_work, sessions, clock, ids, hasher, tokens, two_factor, frozen_accounts
    )
    funds = providers.Singleton(Funds, exchange, unit_of_work, sync, relay, clock, config.faucet)
    portfolio = providers.Singleton(Portfolio, funds, market_data)
    gate = providers.Singleton(
        Gate, accounts, clock, rate_limiter, config.weight_per_minute, unfilled_orders
    )
    listen_keys = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryListenKeys),
        local=redis_listen_keys,
        aws=redis_listen_keys,
    )
    redis_processes = providers.Singleton(RedisProcesses, redis)
    processes = providers.Selector(
        config.adapters,
        memory=providers.Singleton(MemoryProcesses),
        local=redis_processes,
        aws=redis_processes,
    )
    revocations = providers.Singleton(StreamRevocations)
    user_streams = providers.Singleton(UserStreams, listen_keys, revocations, clock)
    market_admin = providers.Singleton(MarketAdmin, exchange, bus, clock)
    operators = providers.Singleton(Operators, unit_of_work, two_factor, clock)
    freeze_notices = providers.Singleton(ChannelFreezeNotices)
    account_freezes = providers.Singleton(
        AccountFreezes, unit_of_work, clock, frozen_accounts, freeze_notices, user_streams, trading
    )
    system_view = providers.Singleton(SystemView, processes, unit_of_work, market_data, clock)
    listing_sync = providers.Singleton(ListingSync, exchange, unit_of_work)
    listing_notices = providers.Singleton(ChannelListingNotices)
    market_listing = providers.Singleton(MarketListing, listing_sync, listing_notices, bus, clock)
    services = providers.Singleton(
        Services, gate, trading, market_data, history, accounts, two_factor, funds, portfolio,
        user_streams, cache, config.admin_token, config.connections_per_address, market_admin,
        operators, account_freezes, system_view, market_listing,
    )  # fmt: skip


async def release(container: Container) -> None:
    """Closes the connections the servers' adapters opened."""
    if container.config.adapters() != "memory":
        await container.redis_signal().close()
        await container.database().dispose()
        await container.redis().aclose()
    if container.config.adapters() == "aws":
        await container.aws_clients().close()
