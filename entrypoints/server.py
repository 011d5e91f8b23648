"""Building the configured application, for `bourse serve` and for tests."""

from attrs import asdict
from litestar import Litestar

from entrypoints.api.app import create_app
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


def build_app(settings: Settings) -> tuple[Litestar, Container]:
    container = build_container(settings)
    return create_app(container), container
