"""Order lists: the OCOs and OTOs open on a market, the one hold each keeps, and how each ends.

An OCO holds once for both its orders, what the more demanding one may spend (the same
quantity of base for a sell; the larger notional for a buy). One order carries the hold, the
other holds nothing: the LIMIT_MAKER, which may trade without warning, else the first. While
both wait or rest neither has traded; as soon as one trades (as a maker, even in part), is
taken by self-trade prevention, or triggers, the other expires and hands its hold to it, which
keeps only what it needs itself. Canceling either cancels both.

An OTO list (`domain.oto`) first waits for its working order to fill, its pending orders
off the book; an OTOCO's pending orders are then an OCO pair of the same list, as above.
Canceling any open order of a list cancels every open order of it."""

from typing import TYPE_CHECKING, Final

from attrs import define

from domain.commands import CancelOrderList
from domain.errors import UnknownOrder
from domain.events import Event, ListStatus, OrderUpdated
from domain.market_status import check_changing
from domain.markets import Market
from domain.orders import (
    ExecutionType,
    ExpiryReason,
    ListStatusType,
    Order,
    OrderStatus,
    OrderType,
    Side,
)
from domain.settlement import expire, finish, hold_for_rest, release
from domain.stops import hold_while_waiting

if TYPE_CHECKING:
    from domain.exchange import Exchange
    from domain.market_state import MarketState

OCO: Final = "OCO"
OTO: Final = "OTO"  # an OTOCO too, as Binance names both
WORKING_TYPES: Final = (OrderType.LIMIT, OrderType.LIMIT_MAKER)  # an OTO's working order's


@define
class OrderList:
    order_list_id: int
    account_id: int
    list_client_order_id: str
    contingency_type: str
    legs: list[Order]

    @property
    def waiting(self) -> bool:
        """An OTO list whose working order (its first) has not filled yet."""
        return self.legs[-1].status is OrderStatus.PENDING_NEW

    @property
    def working(self) -> Order | None:
        """An OTO list's working order, open or filled; None for an OCO."""
        first = self.legs[0]
        if self.contingency_type == OTO and first.order_id == self.order_list_id:
            return first
        return None

    @property
    def pair(self) -> list[Order]:
        """The orders that one-cancel-the-other: an OCO's, or an OTOCO's once placed."""
        return [o for o in self.legs if o.status.is_open]

    @property
    def carrier(self) -> Order:
        """The leg that holds the pair's funds."""
        return carrier_of(self.pair)

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
            assert all(self.by_leg[o.order_id] is order_list for o in order_list.legs)
            if order_list.waiting:
                _check_waiting(market, order_list)
                continue
            legs = order_list.pair
            assert len(legs) == 2, order_list
            assert all(o.status is OrderStatus.NEW and not o.executed for o in legs), legs
            assert sum(o.held for o in legs) == list_hold(market, legs), legs
            assert all(o.held == 0 for o in legs if o is not order_list.carrier), legs
        assert len(self.client_ids) == len(self.lists), "index holds stale lists"
        per_account: dict[int, int] = {}
        for order_list in self.lists.values():
            per_account[order_list.account_id] = per_account.get(order_list.account_id, 0) + 1
        assert per_account == self._open_by_account, "open lists miscounted by account"


def _check_waiting(market: Market, order_list: OrderList) -> None:
    working, *pending = order_list.legs
    assert order_list.contingency_type == OTO and working.status.is_open, order_list
    assert working.held == hold_for_rest(market, working), working
    assert all(o.status is OrderStatus.PENDING_NEW for o in pending), pending
    carrier = carrier_of(pending)
    assert carrier.held == reserve(market, working, pending), pending
    assert all(o.held == 0 for o in pending if o is not carrier), pending


def carrier_of(legs: list[Order]) -> Order:
    return next((o for o in legs if o.type is OrderType.LIMIT_MAKER), legs[0])


def reserve(market: Market, working: Order, pending: list[Order]) -> int:
    """What an OTO's pending orders hold while they wait: what they need beyond what the working
    order's whole fill brings in before fees (nothing when of the working order's side)."""
    need = list_hold(market, pending)
    if pending[0].side is working.side:
        return need
    brought = (
        working.quantity
        if working.side is Side.BUY
        else market.notional(working.price, working.quantity)
    )
    return max(0, need - brought)


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
    end(exchange, state, found, found.pair[0], command.timestamp, events, cancel=True)
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
    """Ends the list for `leg`'s sake: canceling it cancels every open leg, `leg` reported
    first; otherwise (it traded or triggered) the other of its pair expires and hands it its
    hold, of which it keeps what it needs."""
    others = [o for o in (order_list.legs if cancel else order_list.pair) if o is not leg]
    state.lists.remove(order_list)
    for other in [leg, *others] if cancel else others:
        if not other.status.is_open:
            continue
        take_out(state, other)
        if cancel:
            events.extend(release(exchange.ledger, state.market, other, other.held))
            events.append(finish(other, OrderStatus.CANCELED, ExecutionType.CANCELED, now))
        else:
            leg.held += other.held
            other.held = 0
            events.append(expire(other, ExpiryReason.OCO_TRIGGER, now))
    if not cancel:
        events.extend(release(exchange.ledger, state.market, leg, leg.held - _need(state, leg)))
    events.append(order_list.status(ListStatusType.ALL_DONE, now))


def take_out(state: "MarketState", order: Order) -> None:
    """Takes an open order off the book, the waiting stops or the pending orders."""
    if order.order_id in state.stops.orders:
        state.stops.remove(order)
    elif order.order_id in state.book.orders:
        state.book.remove(order)
    elif order.order_id in state.pending.orders:
        state.pending.remove(order)


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
            if order_list is None or order_list.waiting:
                continue
            keeper = next(o for o in order_list.legs if o.order_id == event.order_id)
            if keeper is not order_list.working:
                end(exchange, state, order_list, keeper, now, events)


def restore(state: "MarketState", orders: list[Order]) -> None:
    """Rebuilds the open lists from their orders: a waiting OTO's working order holds for
    itself and its pending orders their reserve; an OCO pair's carrier (an OTOCO's, once
    placed) holds for the pair. A list goes on while it waits or two of its orders are open;
    an OTO whose pending order was placed is over, its order a plain one."""
    legs: dict[int, list[Order]] = {}
    for order in sorted(orders, key=lambda o: o.order_id):
        if order.order_list_id >= 0:
            legs.setdefault(order.order_list_id, []).append(order)
    market = state.market
    for order_list_id, found in legs.items():
        first = found[0]
        waiting = found[-1].status is OrderStatus.PENDING_NEW
        pair = [o for o in found if o.status.is_open]
        if len(pair) < 2 and not waiting:
            continue
        # An OCO's first order is its stop, its id the list's; an OTO's, its working order.
        kind = OCO if first.order_id == order_list_id and first.type not in WORKING_TYPES else OTO
        order_list = OrderList(
            order_list_id, first.account_id, first.list_client_order_id, kind, found
        )
        held = found[1:] if waiting else pair
        for leg in held:
            leg.held = 0
        if waiting:
            carrier_of(held).held = reserve(market, first, held)
        else:
            carrier_of(held).held = list_hold(market, held)
        state.lists.add(order_list)
