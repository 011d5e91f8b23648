"""Amounts convert between decimals and minor units exactly, or not at all."""

from decimal import Decimal

import pytest

from domain.assets import Asset
from domain.errors import InvalidAmount

USDT = Asset("USDT", 8)


def test_an_amount_converts_exactly_whatever_its_number_of_digits() -> None:
    assert USDT.to_minor("250.5") == 25_050_000_000
    assert USDT.to_minor("12345678901234567890.12345678000000000000") == (
        1_234_567_890_123_456_789_012_345_678
    )
    assert USDT.format(USDT.to_minor(Decimal("0.00000001"))) == "0.00000001"


@pytest.mark.parametrize(
    "amount",
    [
        "0.000000001",
        # Beyond the 28 significant digits of Python's default decimal context, which would
        # round the extra decimal away instead of refusing it.
        "1234567890.12345678000000000001",
        "12345678901234567890.12345678000000000001",
    ],
)
def test_an_amount_finer_than_the_asset_is_refused(amount: str) -> None:
    with pytest.raises(InvalidAmount, match="more than 8 decimals"):
        USDT.to_minor(amount)
