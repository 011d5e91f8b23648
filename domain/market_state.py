"""A market's state in the exchange: its book, stops, order lists, status and the prices its
filters judge orders by."""

from dataclasses import dataclass, field

from domain.average_price import AveragePrice
from domain.book import OrderBook
from domain.market_status import MarketStatus
from domain.markets import BandLimits, Market
from domain.order_index import OrderIndex
from domain.order_lists import OrderLists
from domain.orders import Side
from domain.stops import StopBook


@dataclass
class MarketState:
    market: Market
    book: OrderBook
    last_order_id: int = 0
    last_trade_id: int = 0
    last_prevented_match_id: int = 0
    last_price: int = 0
    stops: StopBook = field(default_factory=StopBook)
    pending: OrderIndex = field(default_factory=OrderIndex)
    """The pending orders of OTO lists, waiting off the book for their working order."""
    lists: OrderLists = field(default_factory=OrderLists)
    status: MarketStatus = MarketStatus.TRADING
    average_price: AveragePrice = field(init=False)
    band_limits: BandLimits = field(init=False)

    def __post_init__(self) -> None:
        self.average_price = AveragePrice(self.market.price_band.average_minutes)
        self.band_limits = BandLimits(self.market.price_band, 0)

    def check_price_band(self, side: Side, price: int, at: int) -> None:
        """Refuses a limit price outside the band around the average price at `at`."""
        average = self.average_price.at(at, self.market.base.scale)
        limits = self.band_limits
        if limits.average != average or limits.band is not self.market.price_band:
            limits = self.band_limits = BandLimits(self.market.price_band, average)
        limits.check(side, price)
