"""Why the domain refuses a command. Each refusal leaves every state unchanged."""

from enum import Enum


class DomainError(Exception):
    """A command that cannot be carried out as asked."""


class InvalidAmount(DomainError):
    """A number that is malformed, or finer than the asset or market allows."""


class HoldingsLimit(InvalidAmount):
    """A deposit that would take the exchange's holdings of an asset beyond `MAX_HOLDINGS`."""

    def __init__(self) -> None:
        super().__init__("The exchange cannot hold more of this asset in all its accounts.")


class MarketFilter(Enum):
    PRICE_FILTER = "PRICE_FILTER"
    LOT_SIZE = "LOT_SIZE"
    MARKET_LOT_SIZE = "MARKET_LOT_SIZE"
    NOTIONAL = "NOTIONAL"
    PERCENT_PRICE_BY_SIDE = "PERCENT_PRICE_BY_SIDE"
    MAX_NUM_ORDERS = "MAX_NUM_ORDERS"
    MAX_NUM_ALGO_ORDERS = "MAX_NUM_ALGO_ORDERS"
    TRAILING_DELTA = "TRAILING_DELTA"
    ICEBERG_PARTS = "ICEBERG_PARTS"
    MAX_NUM_ICEBERG_ORDERS = "MAX_NUM_ICEBERG_ORDERS"
    MAX_NUM_ORDER_LISTS = "MAX_NUM_ORDER_LISTS"


class FilterFailure(DomainError):
    """A price or quantity outside one of the market's filters."""

    def __init__(self, market_filter: MarketFilter) -> None:
        super().__init__(f"Filter failure: {market_filter.value}")
        self.filter = market_filter


class UnknownMarket(DomainError):
    """No market trades under that symbol."""


class MarketClosed(DomainError):
    """The market exists but does not accept orders now."""


class MarketClosedToChanges(DomainError):
    """The market exists but takes no cancel or amendment of its orders now."""


class InvalidOrder(DomainError):
    """An order whose parameters contradict each other or its type."""


class InsufficientBalance(DomainError):
    """The account lacks the available funds for the movement asked."""


class UnknownOrder(DomainError):
    """No open order of this account matches the identifier given."""


class DuplicateOrder(DomainError):
    """An open order of this account already has that client order id."""


class WouldTake(DomainError):
    """A LIMIT_MAKER order that would match at once."""


class WouldTrigger(DomainError):
    """A stop order whose condition the last price already meets."""

    def __init__(self) -> None:
        super().__init__("Order would trigger immediately.")


class UnsupportedOrder(DomainError):
    """An order whose combination of parameters Binance rejects rather than finds malformed:
    an iceberg that is not GTC, or no smaller than its order."""


class InvalidAmend(DomainError):
    """An amendment that does not reduce the quantity of the order."""


class UnknownAsset(DomainError):
    """No asset is listed under that code."""


class InvalidListing(DomainError):
    """A market whose filters or fees contradict each other or its assets' precision."""

    def __init__(self, parameter: str, why: str) -> None:
        super().__init__(f"Data sent for parameter '{parameter}' is not valid: {why}.")
        self.parameter = parameter


class OcoLegMisplaced(DomainError):
    """An OCO whose orders are not of the types its side puts above and below the price
    (the message is Binance's, which tells which rule)."""


class OcoPrices(DomainError):
    """An OCO whose above order is not above the last price, or below order not below."""

    def __init__(self) -> None:
        super().__init__("The relationship of the prices for the orders is not correct.")
