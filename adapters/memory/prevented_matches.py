"""The prevented matches of every market in the memory store."""

from typing import TYPE_CHECKING

from domain.events import PreventedMatch

if TYPE_CHECKING:
    from adapters.memory.unit_of_work import MemoryUnitOfWork


class MemoryPreventedMatches:
    def __init__(self, uow: "MemoryUnitOfWork") -> None:
        self._uow = uow

    async def add(self, match: PreventedMatch) -> None:
        store = self._uow.store
        self._uow.staged.append(lambda: store.prevented_matches[match.symbol].append(match))

    async def of_account(
        self,
        account_id: int,
        symbol: str,
        prevented_match_id: int | None = None,
        order_id: int | None = None,
        from_id: int | None = None,
        limit: int = 500,
    ) -> list[PreventedMatch]:
        found = []
        for match in self._uow.store.prevented_matches.get(symbol, []):
            if (
                match.account_id == account_id
                and prevented_match_id in (None, match.prevented_match_id)
                and order_id in (None, match.taker_order_id, match.maker_order_id)
                and (from_id is None or match.prevented_match_id >= from_id)
            ):
                found.append(match)
                if len(found) == limit:
                    break
        return found

    async def last_id(self, symbol: str) -> int:
        matches = self._uow.store.prevented_matches.get(symbol)
        return matches[-1].prevented_match_id if matches else 0
