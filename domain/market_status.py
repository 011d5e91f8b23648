"""A market's trading status, in Binance's words, and what each lets through.

TRADING takes every command. CANCEL_ONLY lets traders take risk off and nothing more: they
cancel and amend (which only reduces) their orders, as on Binance. HALT (an incident) and BREAK
(planned downtime) take no command on the market's orders at all, which stay in the book as
they were; Binance's own answer, "Market is closed.", tells the trader why."""

from enum import Enum
from typing import Final

from domain.errors import MarketClosed, MarketClosedToChanges

CLOSED: Final = "Market is closed."


class MarketStatus(Enum):
    TRADING = "TRADING"
    HALT = "HALT"
    BREAK = "BREAK"
    CANCEL_ONLY = "CANCEL_ONLY"


def check_placing(status: MarketStatus) -> None:
    """Refuses a new order unless the market trades."""
    if status is not MarketStatus.TRADING:
        raise MarketClosed(CLOSED)


def check_changing(status: MarketStatus) -> None:
    """Refuses a cancel or an amendment unless the market trades or only cancels."""
    if status not in (MarketStatus.TRADING, MarketStatus.CANCEL_ONLY):
        raise MarketClosedToChanges(CLOSED)
