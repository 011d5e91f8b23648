"""Building the configured application, for `bourse serve` and for tests."""

from attrs import asdict
from litestar import Litestar

from entrypoints.api.app import create_app
from entrypoints.bots import run_bots
from entrypoints.container import Container
from entrypoints.settings import Settings


def build_container(settings: Settings) -> Container:
    if settings.adapters != "memory":
        raise SystemExit(
            f"The {settings.adapters!r} adapters are not built yet; use --adapters memory."
        )
    container = Container()
    container.config.from_dict(asdict(settings))
    return container


def build_app(settings: Settings, bots: bool = False) -> tuple[Litestar, Container]:
    container = build_container(settings)

    async def demo_bots() -> None:
        await run_bots(container.accounts(), container.funds(), container.trading())

    return create_app(container, [demo_bots] if bots else []), container
