"""The listed assets and markets in the memory store; a new store lists the demo markets."""

from typing import TYPE_CHECKING

from application.errors import AlreadyListed
from domain.assets import Asset
from domain.errors import UnknownAsset
from domain.markets import Market

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryListings:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def assets(self) -> dict[str, Asset]:
        return dict(self._uow.store.assets)

    async def markets(self) -> dict[str, Market]:
        return dict(self._uow.store.markets)

    async def add_asset(self, asset: Asset) -> None:
        assets = self._uow.store.assets

        def check() -> None:
            if asset.code in assets:
                raise AlreadyListed(asset.code)

        self._uow.checks.append(check)
        self._uow.staged.append(lambda: assets.__setitem__(asset.code, asset))

    async def add_market(self, market: Market) -> None:
        store = self._uow.store

        def check() -> None:
            if market.symbol in store.markets:
                raise AlreadyListed(market.symbol)
            for asset in (market.base, market.quote):
                if asset.code not in store.assets:
                    raise UnknownAsset(f"Unknown asset {asset.code!r}.")

        self._uow.checks.append(check)
        self._uow.staged.append(lambda: store.markets.__setitem__(market.symbol, market))

    async def change_market(self, market: Market) -> None:
        markets = self._uow.store.markets
        self._uow.staged.append(lambda: markets.__setitem__(market.symbol, market))
