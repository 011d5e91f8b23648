"""Order lists: the OCOs open on a market, the one hold each keeps, and how each ends.

An OCO holds once for both its orders, what the more demanding one may spend (the same
quantity of base for a sell; the larger notional for a buy). One order carries the hold, the
other holds nothing: the LIMIT_MAKER, which may trade without warning, else the first. While
both wait or rest neither has traded; as soon as one trades (as a maker, even in part), is
taken by self-trade prevention, or triggers, the other expires and hands its hold to it, which
keeps only what it needs itself. Canceling either cancels both."""

from typing import TYPE_CHECKING

from attrs import define

from domain.commands import CancelOrderList
from domain.errors import UnknownOrder
from domain.events import Event, ExecutionType, ListStatus, ListStatusType, OrderUpdated
from domain.market_status import check_changing
from domain.markets import Market
from domain.orders import Order, OrderStatus, OrderType
from domain.settlement import hold_for_rest
from domain.stops import hold_while_waiting

if TYPE_CHECKING:
    from domain.exchange import Exchange, MarketState

OCO = "OCO"


@define
class OrderList:
    order_list_id: int
    account_id: int
    list_client_order_id: str
    contingency_type: str
    legs: list[Order]

    @property
    def carrier(self) -> Order:
        """The leg that holds the list's funds."""
        return next((o for o in self.legs if o.type is OrderType.LIMIT_MAKER), self.legs[0])

    def status(self, kind: ListStatusType, timestamp: int) -> ListStatus:
        first = self.legs[0]
        return ListStatus(
            first.symbol,
            self.order_list_id,
            self.account_id,
            self.contingency_type,
            kind,
            self.list_client_order_id,
            first.created_at,
            tuple((o.order_id, o.client_order_id) for o in self.legs),
            timestamp,
        )


class OrderLists:
    """A market's open order lists, by id, by leg and by (account, list client order id)."""

    def __init__(self) -> None:
        self.lists: dict[int, OrderList] = {}
        self.by_leg: dict[int, OrderList] = {}
        self.client_ids: dict[tuple[int, str], OrderList] = {}
        self._open_by_account: dict[int, int] = {}

    def add(self, order_list: OrderList) -> None:
        account = order_list.account_id
        self.lists[order_list.order_list_id] = order_list
        self.client_ids[account, order_list.list_client_order_id] = order_list
        self._open_by_account[account] = self.open_lists_of(account) + 1
        for leg in order_list.legs:
            self.by_leg[leg.order_id] = order_list

    def remove(self, order_list: OrderList) -> None:
        del self.lists[order_list.order_list_id]
        del self.client_ids[order_list.account_id, order_list.list_client_order_id]
        for leg in order_list.legs:
            del self.by_leg[leg.order_id]
        left = self._open_by_account.pop(order_list.account_id) - 1
        if left:
            self._open_by_account[order_list.account_id] = left

    def open_lists_of(self, account_id: int) -> int:
        return self._open_by_account.get(account_id, 0)

    def find(
        self, account_id: int, order_list_id: int | None, list_client_order_id: str | None
    ) -> OrderList | None:
        found = (
            self.lists.get(order_list_id)
            if order_list_id is not None
            else self.client_ids.get((account_id, list_client_order_id or ""))
        )
        if found is None or found.account_id != account_id:
            return None
        if list_client_order_id is not None and found.list_client_order_id != list_client_order_id:
            return None
        return found

    def check_invariants(self, market: Market) -> None:
        for order_list in self.lists.values():
            legs = order_list.legs
            assert all(o.status is OrderStatus.NEW and not o.executed for o in legs), legs
            assert sum(o.held for o in legs) == list_hold(market, legs), legs
            assert all(o.held == 0 for o in legs if o is not order_list.carrier), legs
            assert all(self.by_leg[o.order_id] is order_list for o in legs), legs
        assert len(self.client_ids) == len(self.lists), "index holds stale lists"
        per_account: dict[int, int] = {}
        for order_list in self.lists.values():
            per_account[order_list.account_id] = per_account.get(order_list.account_id, 0) + 1
        assert per_account == self._open_by_account, "open lists miscounted by account"


def list_hold(market: Market, legs: list[Order]) -> int:
    """What an intact list holds: what its most demanding leg may spend."""
    return max(hold_while_waiting(market, leg) for leg in legs)


def cancel_list(exchange: "Exchange", command: CancelOrderList) -> list[Event]:
    state = exchange.state(command.symbol)
    check_changing(state.status)
    found = state.lists.find(
        command.account_id, command.order_list_id, command.list_client_order_id
    )
    if found is None:
        raise UnknownOrder("Unknown order sent.")
    events: list[Event] = []
    end(exchange, state, found, found.legs[0], command.timestamp, events, cancel=True)
    return exchange._book_changes(state, events)


def end(
    exchange: "Exchange",
    state: "MarketState",
    order_list: OrderList,
    leg: Order,
    now: int,
    events: list[Event],
    cancel: bool = False,
) -> None:
    """Ends the list for `leg`'s sake: canceling it cancels every leg, `leg` reported first;
    otherwise (it traded or triggered) the others expire and hand it their holds, of which it
    keeps what it needs."""
    state.lists.remove(order_list)
    others = [o for o in order_list.legs if o is not leg]
    for other in [leg, *others] if cancel else others:
        if other.order_id in state.stops.orders:
            state.stops.remove(other)
        elif other.order_id in state.book.orders:
            state.book.remove(other)
        if cancel:
            events.extend(exchange._release(state.market, other, other.held))
            events.append(
                exchange._finish(other, OrderStatus.CANCELED, ExecutionType.CANCELED, now)
            )
        else:
            leg.held += other.held
            other.held = 0
            events.append(exchange._finish(other, OrderStatus.EXPIRED, ExecutionType.EXPIRED, now))
    if not cancel:
        events.extend(exchange._release(state.market, leg, leg.held - _need(state, leg)))
    events.append(order_list.status(ListStatusType.ALL_DONE, now))


def _need(state: "MarketState", order: Order) -> int:
    """What a leg that outlived its list holds for itself from now on."""
    if order.order_id in state.book.orders:
        return hold_for_rest(state.market, order)
    if order.status.is_open and order.working_time < 0:
        return hold_while_waiting(state.market, order)
    return 0


def react(
    exchange: "Exchange", state: "MarketState", new: list[Event], now: int, events: list[Event]
) -> None:
    """Ends the lists of the legs that traded or were changed by self-trade prevention."""
    for event in new:
        if isinstance(event, OrderUpdated) and event.execution is not ExecutionType.NEW:
            order_list = state.lists.by_leg.get(event.order_id)
            if order_list is not None:
                keeper = next(o for o in order_list.legs if o.order_id == event.order_id)
                end(exchange, state, order_list, keeper, now, events)


def restore(state: "MarketState", orders: list[Order]) -> None:
    """Rebuilds the open lists from their legs, all open: the carrier holds for the list."""
    legs: dict[int, list[Order]] = {}
    for order in sorted(orders, key=lambda o: o.order_id):
        if order.order_list_id >= 0:
            legs.setdefault(order.order_list_id, []).append(order)
    for order_list_id, found in legs.items():
        if len(found) < 2:
            continue
        first = found[0]
        order_list = OrderList(
            order_list_id, first.account_id, first.list_client_order_id, OCO, found
        )
        hold = list_hold(state.market, found)
        for leg in found:
            leg.held = 0
        order_list.carrier.held = hold
        state.lists.add(order_list)
