"""Binance-style request parameters: strings from the query or form body, read by type, with
Binance's error for each way they can be wrong."""

import re
from decimal import Decimal
from enum import Enum
from typing import TypeVar
from urllib.parse import parse_qsl

from entrypoints.api.errors import ApiError, illegal, mandatory

E = TypeVar("E", bound=Enum)
DECIMAL = re.compile(r"^([0-9]{1,20})(\.[0-9]{1,20})?$")
DECIMAL_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
INTEGER = re.compile(r"^-?[0-9]{1,19}$")
CLIENT_ID = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
BIGINT = (-(2**63), 2**63 - 1)  # the range of PostgreSQL's bigint, where ids and times go


class Params:
    """The parameters of one request. Every one sent must be read by the endpoint, or the
    request is refused (-1104), as Binance does."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        for name, value in pairs:
            if name in self._values:
                raise ApiError(-1101, f"Duplicate values for parameter '{name}'.")
            self._values[name] = value
        self._read: set[str] = set()

    @classmethod
    def parse(cls, *encoded: str) -> "Params":
        pairs: list[tuple[str, str]] = []
        for text in encoded:
            if "%" in text or "+" in text:
                pairs.extend(parse_qsl(text, keep_blank_values=True))
            else:  # nothing to unescape: what parse_qsl gives, without its work per pair
                pairs.extend(field.partition("=")[::2] for field in text.split("&") if field)
        return cls(pairs)

    def text(self, name: str, required: bool = False) -> str | None:
        self._read.add(name)
        value = self._values.get(name)
        if value is None or value == "":
            if required:
                raise mandatory(name)
            return None
        if "\x00" in value:  # no text column of PostgreSQL can hold it
            raise ApiError(-1100, f"Illegal characters found in parameter '{name}'.")
        return value

    def required_text(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def integer(
        self,
        name: str,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self.text(name, required)
        if value is None:
            return None
        if not INTEGER.match(value):
            raise illegal(name, "^-?[0-9]{1,19}$")
        number = int(value)
        low = BIGINT[0] if minimum is None else minimum
        high = BIGINT[1] if maximum is None else maximum
        if not low <= number <= high:
            raise ApiError(-1100, f"Illegal value for parameter '{name}'.")
        return number

    def decimal(self, name: str, required: bool = False) -> Decimal | None:
        value = self.text(name, required)
        if value is None:
            return None
        if not DECIMAL.match(value):
            raise illegal(name, DECIMAL_RANGE)
        return Decimal(value)

    def choice(self, name: str, kind: type[E], error: ApiError, required: bool = False) -> E | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            raise error from None

    def client_order_id(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and not CLIENT_ID.match(value):
            raise illegal(name, CLIENT_ID.pattern)
        return value

    def ignore(self, *names: str) -> None:
        """Parameters Binance accepts that change nothing here."""
        self._read.update(names)

    def check_all_read(self) -> None:
        unread = set(self._values) - self._read
        if unread:
            raise ApiError(
                -1104,
                f"Not all sent parameters were read; read '{len(self._values) - len(unread)}' "
                f"parameter(s) but was sent '{len(self._values)}'.",
            )
