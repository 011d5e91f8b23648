"""What each role of a process runs in the background while it serves.

- `all`: every market's engine, the outbox relay of the markets it runs and the stream hub,
  with the REST and WebSocket API (memory mode, demos, or one process on PostgreSQL + Redis).
- `api`, `websocket`: nothing of their own; orders leave over the command bus, public reads
  come from the market data's snapshots, streams from the fan-out.
- `engine`: market engines under leases, each taking its market's commands from the bus.
- `marketdata`: the relay of every market's outbox, the stream hub, and the markets' books
  and tickers kept in Redis for the api processes (one process at a time: see
  `entrypoints.market_data_duty`).

Every role reads the markets from the store as it starts and follows the listings' changes
(`application.listing`): an engine process starts an engine for a market listed later, if it
competes for it, and the market data process keeps its book.

On a local run of `aws` mode, `all` and `marketdata` also run the trade stream's Lambda
functions (`entrypoints.lambda_poller`)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from adapters.redis.command_bus import RedisCommandBus
from adapters.redis.command_consumer import RedisCommandConsumer
from application.engine import MarketEngine
from application.listing import Listener
from domain.markets import Market
from entrypoints.api.channels import Channels
from entrypoints.container import Container, release
from entrypoints.heartbeat import Heartbeat
from entrypoints.lambda_poller import trade_stream_pollers
from entrypoints.market_data_duty import MarketDataDuty
from entrypoints.settings import AwsSettings
from entrypoints.streams.hub import StreamHub
from entrypoints.streams.names import user_channel
from entrypoints.streams.user_data import UserDataFeed, anyone

ROLES = ("all", "api", "websocket", "engine", "marketdata")
SERVE_ROLES = ("all", "api", "websocket")
Job = Callable[[], Coroutine[Any, Any, None]]


@asynccontextmanager
async def running(
    container: Container, channels: Channels, background: list[Job]
) -> AsyncIterator[None]:
    """Starts the role's work (and the `background` jobs), and stops all of it on exit."""
    role = container.config.role()
    publish = channels.publish
    heartbeat = Heartbeat(container, container.processes(), container.clock(), role)
    jobs = [*background, heartbeat.run]
    container.revocations().publish = publish
    container.freeze_notices().publish = publish
    container.listing_notices().publish = publish
    listings = container.listing_sync()
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(release, container)
        await listings.refresh()
        jobs.append(listings.watch)
        if role in ("all", "marketdata"):
            jobs.append(_hub(container, channels).run)
            jobs += _local_lambdas(container)
        if role == "marketdata":
            duty = MarketDataDuty(container)
            await duty.begin()
            listings.listeners.append(duty.follow)
            jobs += [duty.run, duty.keep_snapshots, duty.keep_book_snapshots, duty.keep_tickers]
        if role == "all":
            relay = container.relay()
            relay.start()
            stack.push_async_callback(relay.stop)
        if role in ("all", "engine"):
            await _run_engines(container, stack)
            listings.listeners.append(_engine_for_listed(container, stack))
        bus = container.bus()
        if isinstance(bus, RedisCommandBus):
            stack.push_async_callback(bus.stop)
        tasks = [asyncio.create_task(job()) for job in jobs]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def _hub(container: Container, channels: Channels) -> StreamHub:
    # The market data role runs no engine: what the feed needs of the market comes from the store.
    store = container.unit_of_work() if container.config.role() == "marketdata" else None
    followed = anyone
    if container.config.adapters() == "memory":  # every follower is this process's

        def followed(account_id: int) -> bool:
            return channels.followed_here(user_channel(account_id))

    feed = UserDataFeed(container.exchange(), store, followed)
    return StreamHub(
        container.market_data(),
        container.publisher(),
        channels.publish,
        feed.messages,
    )


def _local_lambdas(container: Container) -> list[Job]:
    """On a local run of `aws` mode, the Lambda functions of the trade stream, polled here."""
    aws = container.config.aws()
    if container.config.adapters() != "aws" or not aws["endpoint_url"]:
        return []
    settings = AwsSettings(**aws)
    return [poller.run for poller in trade_stream_pollers(settings, container.kinesis())]


async def _run_engines(container: Container, stack: contextlib.AsyncExitStack) -> None:
    for engine in container.engines().values():
        await _run_engine(container, engine, stack)


async def _run_engine(
    container: Container, engine: MarketEngine, stack: contextlib.AsyncExitStack
) -> None:
    await engine.start()
    stack.push_async_callback(engine.stop)
    if container.config.adapters() != "memory":
        consumer = RedisCommandConsumer(container.gathered_redis(), engine, engine.settings.owner)
        consumer.start()
        container.command_consumers().append(consumer)
        stack.push_async_callback(consumer.stop)


def _engine_for_listed(container: Container, stack: contextlib.AsyncExitStack) -> Listener:
    """Starts an engine for a market listed while the process runs, if it competes for it."""
    wanted = container.config.markets()

    async def start(market: Market) -> None:
        if wanted is not None and market.symbol not in wanted:
            return
        engine = MarketEngine(
            container.exchange(), market.symbol, container.unit_of_work(), container.sync(),
            container.relay(), container.clock(), container.engine_settings(),
        )  # fmt: skip
        container.engines()[market.symbol] = engine
        await _run_engine(container, engine, stack)

    return start
