"""Assets and the exact conversion of their amounts between decimals and minor units."""

from dataclasses import dataclass, field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation
from typing import Final

from domain.errors import InvalidAmount

MAX_HOLDINGS: Final = 2**63 - 1
"""The most minor units of any one asset the exchange holds in all accounts together, and so
the most one transfer moves. Every balance and every amount moved (a posting, a hold, a trade)
is then within a signed 64-bit integer, as the events' msgpack encoding needs, and far within
the store's NUMERIC(38, 0)."""

# Exact at any number of digits: the default context rounds a result to 28 of them.
_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


@dataclass(frozen=True)
class Asset:
    """A currency or token; `precision` is the number of decimals of its minor unit."""

    code: str
    precision: int
    scale: int = field(init=False, compare=False, repr=False)
    """Minor units in one whole unit."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", 10**self.precision)

    def to_minor(self, amount: Decimal | str) -> int:
        """Converts an exact decimal amount to minor units, refusing anything finer."""
        return to_minor(amount, self.precision)

    def format(self, minor: int) -> str:
        return format_minor(minor, self.precision)


def to_minor(amount: Decimal | str, precision: int) -> int:
    try:
        value = Decimal(amount)
    except (InvalidOperation, ValueError, TypeError) as error:
        raise InvalidAmount(f"{amount!r} is not a decimal number") from error
    if not value.is_finite():
        raise InvalidAmount(f"{amount!r} is not a finite number")
    scaled = value.scaleb(precision, _EXACT)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{amount} has more than {precision} decimals")
    return int(scaled)


def format_minor(minor: int, precision: int) -> str:
    """Formats minor units as a fixed-point decimal string, as Binance prints amounts."""
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**precision)
    if precision == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{precision}d}"
