"""The request every HTTP handler gets: Litestar's, refusing as malformed a JSON body nested
too deep to decode, and one whose text holds a NUL, which PostgreSQL cannot store."""

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException


class ApiRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            decoded = await super().json()
        except RecursionError:
            # msgspec stops at the interpreter's recursion limit, and says so with this error
            # rather than its DecodeError; Litestar answers a SerializationException with a 400.
            raise SerializationException("JSON nested too deeply.") from None
        if _holds_nul(decoded):
            raise SerializationException("NUL characters are not allowed.")
        return decoded


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
