from decimal import Decimal

import pytest

from adapters.memory.demo_listing import demo_markets
from domain.commands import Deposit, PlaceOrder
from domain.events import Event
from domain.exchange import Exchange
from domain.markets import Market
from domain.orders import OrderType, SelfTradePrevention, Side, TimeInForce


class Desk:
    """An exchange driven in decimals, as a trader would speak to it."""

    def __init__(self) -> None:
        self.exchange = Exchange(demo_markets())

    def market(self, symbol: str = "BTCUSDT") -> Market:
        return self.exchange.state(symbol).market

    def deposit(self, account_id: int, asset: str, amount: str) -> None:
        minor = self.exchange.assets[asset].to_minor(Decimal(amount))
        self.exchange.deposit(Deposit(account_id, asset, minor))

    def place(
        self,
        account_id: int,
        side: Side,
        order_type: OrderType = OrderType.LIMIT,
        quantity: str = "0",
        price: str = "0",
        quote_quantity: str = "0",
        tif: TimeInForce = TimeInForce.GTC,
        stp: SelfTradePrevention = SelfTradePrevention.NONE,
        symbol: str = "BTCUSDT",
        client_order_id: str = "",
        stop_price: str = "0",
        trailing_delta: int = 0,
        iceberg_quantity: str = "0",
    ) -> list[Event]:
        market = self.market(symbol)
        return self.exchange.place(
            PlaceOrder(
                account_id,
                symbol,
                side,
                order_type,
                quantity=market.base.to_minor(Decimal(quantity)),
                price=market.quote.to_minor(Decimal(price)),
                quote_quantity=market.quote.to_minor(Decimal(quote_quantity)),
                time_in_force=tif,
                client_order_id=client_order_id,
                stp=stp,
                stop_price=market.quote.to_minor(Decimal(stop_price)),
                trailing_delta=trailing_delta,
                iceberg_quantity=market.base.to_minor(Decimal(iceberg_quantity)),
            )
        )

    def balance(self, account_id: int, asset: str) -> tuple[Decimal, Decimal]:
        """(available, locked) in decimals."""
        balance = self.exchange.ledger.balance(account_id, asset)
        scale = self.exchange.assets[asset].scale
        return Decimal(balance.available) / scale, Decimal(balance.locked) / scale

    def check(self) -> None:
        for state in self.exchange.markets.values():
            state.book.check_invariants()
            state.stops.check_invariants(state.market)
            state.lists.check_invariants(state.market)


@pytest.fixture
def desk() -> Desk:
    return Desk()
