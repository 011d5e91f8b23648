"""Building the configured application, for `bourse serve` and for tests."""

import asyncio

from attrs import asdict
from litestar import Litestar
from sqlalchemy.exc import DBAPIError

from entrypoints.api.app import create_app
from entrypoints.bots import run_bots
from entrypoints.container import Container
from entrypoints.migrate import latest_revision, schema_revision
from entrypoints.settings import Settings


def build_container(settings: Settings) -> Container:
    if settings.adapters == "aws":
        raise SystemExit("The 'aws' adapters are not built yet; use --adapters memory or local.")
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
        current = asyncio.run(schema_revision(settings.database_url))
    except (OSError, DBAPIError) as error:
        raise SystemExit(
            f"PostgreSQL is not reachable at {settings.database_url}: {error}"
        ) from None
    latest = latest_revision()
    if current != latest:
        raise SystemExit(
            f"The database schema is at {current or 'nothing'}, not at the latest migration "
            f"{latest}: run `bourse migrate` first."
        )


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
