"""Building the configured application, for `bourse serve` and for tests."""

import asyncio
import contextlib

import asyncpg  # type: ignore[import-untyped]
from attrs import asdict
from litestar import Litestar
from sqlalchemy.exc import DBAPIError

from adapters.aws.clients import AwsClients
from adapters.postgres.database import create_engine
from application.errors import ApplicationError
from entrypoints.api.app import create_app
from entrypoints.aws_secrets import database_credentials
from entrypoints.bots import run_bots
from entrypoints.container import Container
from entrypoints.migrate import latest_revision, schema_revision
from entrypoints.settings import Settings


def build_container(settings: Settings) -> Container:
    container = Container()
    container.config.from_dict(asdict(settings))
    return container


def check_local(settings: Settings) -> None:
    """Refuses to start on a database whose schema is not the latest, or without the key that
    keeps API secrets encrypted at rest."""
    if settings.secret_key is None:
        raise SystemExit(
            "BOURSE_SECRET_KEY is not set: it encrypts API key secrets in the database. Make one "
            "with `bourse secret-key` and keep it: stored API keys need the same key to work."
        )
    try:
        current = asyncio.run(_schema_revision(settings))
    except (OSError, DBAPIError, asyncpg.PostgresError, ApplicationError) as error:
        raise SystemExit(
            f"PostgreSQL is not reachable at {settings.database_url}: {error}"
        ) from None
    latest = latest_revision()
    if current != latest:
        raise SystemExit(
            f"The database schema is at {current or 'nothing'}, not at the latest migration "
            f"{latest}: run `bourse migrate` first."
        )


async def _schema_revision(settings: Settings) -> str | None:
    async with contextlib.AsyncExitStack() as stack:
        credentials = None
        if settings.aws is not None:  # signing in with the credentials of the secret it names
            clients = await stack.enter_async_context(
                AwsClients(settings.aws.region, settings.aws.endpoint_url)
            )
            credentials = database_credentials(settings, clients)
        engine = create_engine(settings.database_url, pool_size=1, credentials=credentials)
        stack.push_async_callback(engine.dispose)
        return await schema_revision(engine)


SERVES = {"all": ("api", "websocket"), "api": ("api",), "websocket": ("websocket",)}


def build_app(settings: Settings, bots: bool = False) -> tuple[Litestar, Container]:
    """The app of a serving role: `all`, `api` or `websocket`."""
    container = build_container(settings)

    async def demo_bots() -> None:
        await run_bots(container.accounts(), container.funds(), container.trading())

    app = create_app(container, SERVES[settings.role], [demo_bots] if bots else [])
    return app, container


def build_ops_app(settings: Settings) -> tuple[Litestar, Container]:
    """The app of a role that serves no public API (`engine`, `marketdata`): its work runs in
    the app's lifespan; its port answers the health routes alone."""
    container = build_container(settings)
    return create_app(container, (), []), container
